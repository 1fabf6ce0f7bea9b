"""``make bench-parse``: parse the corpus many times on one core; median rate and peak memory."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

from shared.parsing import parse_email
from tests.bench.hostile import HOSTILE
from tests.golden import golden_files

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 15
HOSTILE_ROUNDS = 5


def _rss_delta_mib(raw: bytes) -> float:
    """Peak resident memory added by parsing ``raw``, measured in a fresh child process."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()

    def child() -> None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        parse_email(raw)
        out.put((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)

    proc = ctx.Process(target=child)
    proc.start()
    delta = float(out.get(timeout=60))
    proc.join()
    return delta


def hostile() -> dict[str, dict[str, float]]:
    """Median parse time (ms), traced peak and resident-memory growth (MiB) per hostile email."""
    figures: dict[str, dict[str, float]] = {}
    for name, build in HOSTILE.items():
        raw = build()
        times = []
        for _ in range(HOSTILE_ROUNDS):
            start = time.perf_counter()
            parse_email(raw)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        parse_email(raw)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[name] = {
            "bytes": len(raw),
            "median_ms": round(statistics.median(times) * 1000, 2),
            "traced_peak_mib": round(peak / 2**20, 1),
            "rss_growth_mib": round(_rss_delta_mib(raw), 1),
        }
    return figures


def main() -> None:
    """Print median emails/s, ms per email and peak memory; write build/bench-parse.json."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    raws = [p.read_bytes() for p in golden_files()]
    for raw in raws:  # warm-up: imports, regex compilation
        parse_email(raw)
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for raw in raws:
            parse_email(raw)
        rates.append(len(raws) / (time.perf_counter() - start))
    tracemalloc.start()
    for raw in raws:
        parse_email(raw)
    _, peak_alloc = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(rates)
    bad = hostile()
    slowest = max(bad, key=lambda n: bad[n]["median_ms"])
    hungriest = max(bad, key=lambda n: max(bad[n]["traced_peak_mib"], bad[n]["rss_growth_mib"]))
    peak = max(bad[hungriest]["traced_peak_mib"], bad[hungriest]["rss_growth_mib"])
    result: dict[str, object] = {
        "emails": len(raws),
        "rounds": ROUNDS,
        "parse_emails_per_s": round(median, 1),
        "parse_ms_per_email": round(1000 / median, 3),
        "parse_rate_min_max": [round(min(rates), 1), round(max(rates), 1)],
        "peak_traced_alloc_kib": round(peak_alloc / 1024, 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "hostile": bad,
        "hostile_slowest": {"email": slowest, "median_ms": bad[slowest]["median_ms"]},
        "hostile_peak_memory": {"email": hungriest, "mib": peak},
    }
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench-parse.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"parse: {len(raws)} emails x {ROUNDS} rounds on one core")
    print(
        f"median {median:,.0f} emails/s, {1000 / median:.3f} ms/email "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f})"
    )
    print(
        f"peak traced allocation {peak_alloc / 1024:,.0f} KiB while parsing, "
        f"max RSS {result['max_rss_mib']} MiB"
    )
    print(f"hostile set ({len(bad)} emails, median of {HOSTILE_ROUNDS} parses each):")
    for name, fig in bad.items():
        print(
            f"  {name:20s} {fig['bytes'] / 1e6:5.2f} MB  {fig['median_ms']:7.2f} ms  "
            f"traced peak {fig['traced_peak_mib']:5.1f} MiB  RSS +{fig['rss_growth_mib']:5.1f} MiB"
        )
    print(
        f"slowest hostile email: {slowest} {bad[slowest]['median_ms']} ms (target <= 50 ms); "
        f"most memory: {hungriest} {peak} MiB (target <= 64 MiB)"
    )


if __name__ == "__main__":
    main()
