"""``make bench-parse``: parse the corpus many times on one core; median rate and peak memory."""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

from shared.parsing import parse_email

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 15


def main() -> None:
    """Print median emails/s, ms per email and peak memory; write build/bench-parse.json."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    raws = [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures" / "emails").rglob("*.eml"))]
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
    result = {
        "emails": len(raws),
        "rounds": ROUNDS,
        "parse_emails_per_s": round(median, 1),
        "parse_ms_per_email": round(1000 / median, 3),
        "parse_rate_min_max": [round(min(rates), 1), round(max(rates), 1)],
        "peak_traced_alloc_kib": round(peak_alloc / 1024, 1),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
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


if __name__ == "__main__":
    main()
