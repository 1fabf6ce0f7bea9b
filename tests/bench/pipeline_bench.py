"""``make bench``: 1,000 pushed lead emails and a 4,000-email backfill through the local stack.

Gmail's per-user quota is enforced by the fake. Probes in ``hooks/sitecustomize.py`` record
Firestore writes, Pub/Sub publishes and function invocations in the function processes.
Prints the figures (medians and ratios) and writes ``build/bench.json``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import requests

from infra.local.driver import Driver, wait_until
from infra.local.fake_google.quota import NEW_PROJECT_UNITS
from infra.local.functions_stack import Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from shared.bootstrap import QUOTA_SHARE
from shared.services.ingest.fetch import GET_UNITS
from tests.bench import lanes

LABEL = "Processed lead"
HOOKS = Path(__file__).resolve().parent / "hooks"
OUR_TOPICS = ("mailbox-sync", "email-batches", "email-live")
HEADLINE = (
    "emails_per_s",
    "p50_s",
    "p95_s",
    "quota_units_per_email",
    "firestore_writes_per_email",
    "pubsub_messages_per_email",
    "invocations_per_email",
    "max_doc_writes_per_s",
    "backfill_4000_s",
    "multi_mailbox_emails_per_s",
    "multi_mailbox_fairness",
    "live_p50_s",
    "live_p95_s",
    "live_p95_during_backfill_s",
    "cpu_s_per_1000_emails",
)


def probed(out_dir: Path) -> tuple[Path, dict[str, str]]:
    """An empty folder for the probes' events, and the settings that load the probes."""
    folder = out_dir / "events"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.jsonl"):
        old.unlink()
    return folder, {"BENCH_EVENTS_DIR": str(folder), "PYTHONPATH": f"{ROOT}:{HOOKS}"}


def events(folder: Path, start: float, end: float) -> list[dict[str, Any]]:
    """Probe events of every function process within [start, end]."""
    out = []
    for path in folder.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            if start <= event["t"] <= end:
                out.append({**event, "pid": int(path.stem)})
    return out


def max_doc_rate(writes: list[dict[str, Any]], window: float) -> tuple[float, str]:
    """Most writes any one document received in a window of ``window`` seconds, per second."""
    by_doc: dict[str, list[float]] = defaultdict(list)
    for w in writes:
        by_doc[w["doc"]].append(w["t"])
    best, which = 0, ""
    for doc, times in by_doc.items():
        times.sort()
        lo = 0
        for hi, t in enumerate(times):
            while t - times[lo] >= window:
                lo += 1
            if hi - lo + 1 > best:
                best, which = hi - lo + 1, doc
    return best / window, which.split("/")[0]


def processed(d: Driver, mailbox: str) -> dict[str, Any]:
    return {gid: r["processed_at"] for gid, r in d.records(mailbox, "processed_at").items()}


def fake_stats(d: Driver) -> Counter[str]:
    return Counter(requests.get(f"{d.fake}/_fake/stats", timeout=10).json())


def figures(
    d: Driver, folder: Path, n: int, start: float, end: float, before: Counter[str]
) -> dict[str, float | str]:
    """Ratios per email for one run."""
    evs = events(folder, start, end + 2)
    writes = [e for e in evs if e["kind"] == "write"]
    stats = fake_stats(d)
    stats.subtract(before)
    ours = sum(1 for e in evs if e["kind"] == "publish" and e["topic"] in OUR_TOPICS)
    sustained, hot = max_doc_rate(writes, 10.0)
    burst, _ = max_doc_rate(writes, 1.0)
    return {
        "quota_units_per_email": round(stats["quota_units"] / n, 3),
        "firestore_writes_per_email": round(len(writes) / n, 3),
        "pubsub_messages_per_email": round((ours + stats["notifications.sent"]) / n, 4),
        "invocations_per_email": round(sum(1 for e in evs if e["kind"] == "invoke") / n, 4),
        "max_doc_writes_per_s": round(sustained, 2),
        "hottest_doc_kind": hot,
        "max_doc_writes_in_1s": burst,
        "gmail_429s": stats["errors.429"],
    }


def push_run(d: Driver, folder: Path, n: int, run: int) -> dict[str, float | str]:
    """Connect an empty mailbox, then Gmail receives ``n`` lead emails in a burst."""
    mailbox = f"bench-push-{run}@example.com"
    d.create_mailbox(mailbox, LABEL)
    d.connect(mailbox)
    time.sleep(2)
    mail = stream(n, 2026 + run, mailbox)
    before, start = fake_stats(d), time.time()
    delivered = {d.deliver(mailbox, raw, [LABEL]): time.time() for raw, _ in mail}
    wait_until(lambda: len(processed(d, mailbox)) >= n, 600, every=1.0)
    done = processed(d, mailbox)
    end = max(t.timestamp() for t in done.values())
    latency = [done[gid].timestamp() - t for gid, t in delivered.items() if gid in done]
    quantiles = statistics.quantiles(latency, n=20)
    return {
        "emails": len(done),
        "emails_per_s": round(len(done) / (end - start), 1),
        "p50_s": round(statistics.median(latency), 2),
        "p95_s": round(quantiles[18], 2),
        **figures(d, folder, n, start, end, before),
    }


def backfill_run(d: Driver, folder: Path, n: int) -> dict[str, float | str]:
    """A mailbox holding ``n`` lead emails is connected and backfilled."""
    mailbox = "bench-backfill@example.com"
    d.create_mailbox(mailbox, LABEL)
    for raw, _ in stream(n, 4000, mailbox):
        d.deliver(mailbox, raw, [LABEL], notify=False)
    before, start = fake_stats(d), time.time()
    d.connect(mailbox)
    wait_until(lambda: len(processed(d, mailbox)) >= n, 900, every=2.0)
    end = max(t.timestamp() for t in processed(d, mailbox).values())
    return {
        "emails": n,
        "seconds": round(end - start, 1),
        "emails_per_s": round(n / (end - start), 1),
        **figures(d, folder, n, start, end, before),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over runs (text figures from the median-throughput run)."""
    middle = sorted(runs, key=lambda r: r["emails_per_s"])[len(runs) // 2]
    out = {
        k: (statistics.median(r[k] for r in runs) if isinstance(v, int | float) else v)
        for k, v in middle.items()
    }
    out["runs"] = len(runs)
    out["emails_per_s_each_run"] = [r["emails_per_s"] for r in runs]
    return out


def median_of(runs: list[dict[str, Any]], by: str | None = None) -> dict[str, Any]:
    """Per number, its median over runs; lists from the median run of ``by`` (or the first)."""
    middle = sorted(runs, key=lambda r: r[by])[len(runs) // 2] if by else runs[0]
    out = {
        k: statistics.median(r[k] for r in runs) if isinstance(v, int | float) else v
        for k, v in middle.items()
    }
    return {**out, "runs": len(runs)}


def ceiling(quota: int) -> float:
    """Emails a second one mailbox can reach: the limiter's share of the quota over the five
    units of a ``messages.get``."""
    return quota * QUOTA_SHARE / GET_UNITS


def quota_row(quota: int, push_n: int, backfill_n: int) -> dict[str, Any]:
    """Push and backfill of one mailbox on a stack whose Gmail allows ``quota`` units/s."""
    out_dir = ROOT / "build" / f"bench-{quota}"
    folder, probes = probed(out_dir)
    extra = {**probes, "CHUNK_SIZE": os.environ.get("CHUNK_SIZE", "25")}
    with local_stack(out_dir, quota_units=quota) as stack:
        driver = Driver(Functions(stack, extra_env=extra).start())
        push = push_run(driver, folder, push_n, 0)
        backfill = backfill_run(driver, folder, backfill_n)
    return {
        "quota_units_per_s": quota,
        "push_emails_per_s": push["emails_per_s"],
        "backfill_emails_per_s": backfill["emails_per_s"],
        "ceiling_emails_per_s": round(ceiling(quota), 1),
        "backfill_vs_ceiling": round(float(backfill["emails_per_s"]) / ceiling(quota), 3),
    }


def main() -> int:
    """Run both measurements and print them."""
    push_n = int(os.environ.get("BENCH_EMAILS", "1000"))
    backfill_n = int(os.environ.get("BENCH_BACKFILL", "4000"))
    quota = int(os.environ.get("BENCH_QUOTA", str(NEW_PROJECT_UNITS)))
    out_dir = ROOT / "build" / "bench"
    folder, probes = probed(out_dir)
    extra = {**probes, "CHUNK_SIZE": os.environ.get("CHUNK_SIZE", "25")}
    with local_stack(out_dir, quota_units=quota) as stack:
        driver = Driver(Functions(stack, extra_env=extra).start())
        runs = int(os.environ.get("BENCH_PUSH_RUNS", "3"))
        push = median_run([push_run(driver, folder, push_n, i) for i in range(runs)])
        backfill = backfill_run(driver, folder, backfill_n)
        lane_runs = int(os.environ.get("BENCH_LANE_RUNS", "3"))
        multi_n = int(os.environ.get("BENCH_MULTI", "1000"))
        multi = median_of(
            [lanes.multi_mailbox(driver, multi_n, 4, str(i)) for i in range(lane_runs)],
            "multi_mailbox_emails_per_s",
        )
        quiet = median_of([lanes.live_quiet(driver, 20, str(i)) for i in range(lane_runs)])
        busy = median_of(
            [lanes.live_during_backfill(driver, backfill_n, str(i)) for i in range(lane_runs)]
        )
    result = {
        **{k: push[k] for k in HEADLINE[:8]},
        "backfill_4000_s": backfill["seconds"],
        **{k: multi[k] for k in HEADLINE[9:11]},
        "live_p50_s": quiet["live_p50_s"],
        "live_p95_s": quiet["live_p95_s"],
        "live_p95_during_backfill_s": busy["live_p95_during_backfill_s"],
        "cpu_s_per_1000_emails": multi["cpu_s_per_1000_emails"],
        "quota_units_per_s": quota,
        "single_mailbox_emails_per_s": backfill["emails_per_s"],
        "single_mailbox_vs_ceiling": round(float(backfill["emails_per_s"]) / ceiling(quota), 3),
        "multi_vs_single": round(multi["multi_mailbox_emails_per_s"] / backfill["emails_per_s"], 2),
        "push": push,
        "backfill": backfill,
        "multi_mailbox": multi,
        "live_quiet": quiet,
        "live_during_backfill": busy,
    }
    older = int(os.environ.get("BENCH_OLDER_QUOTA", "250"))
    rows = [quota_row(q, push_n, backfill_n) for q in (older,) if q and q != quota]
    result["quota_rows"] = [
        {
            "quota_units_per_s": quota,
            "push_emails_per_s": push["emails_per_s"],
            "backfill_emails_per_s": backfill["emails_per_s"],
            "ceiling_emails_per_s": round(ceiling(quota), 1),
            "backfill_vs_ceiling": result["single_mailbox_vs_ceiling"],
        },
        *rows,
    ]
    (ROOT / "build" / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    for title, run in (
        (f"push of {push_n} lead emails (median of {push['runs']} runs)", push),
        (f"backfill of {backfill_n}", backfill),
        (f"4 mailboxes x {multi_n} backfilled at once (median of {lane_runs})", multi),
        (f"single new leads into a quiet mailbox (median of {lane_runs})", quiet),
        (f"new leads of mailbox B while A backfills {backfill_n} (median of {lane_runs})", busy),
    ):
        print(f"\n{title}:")
        for key, value in run.items():
            print(f"  {key:<28} {value}")
    print("\none mailbox by Gmail quota (units/user/s):")
    columns = list(result["quota_rows"][0])
    print("  " + "  ".join(f"{c:>22}" for c in columns))
    for row in result["quota_rows"]:
        print("  " + "  ".join(f"{row[c]!s:>22}" for c in columns))
    print("\nbuild/bench.json written")
    for key in HEADLINE:
        print(f"{key} {result[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
