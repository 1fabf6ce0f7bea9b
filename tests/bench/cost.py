"""``make bench-cost``: the bill, from operations counted on the local stack, and the scale
model checked against it.

One stack with the probes of ``hooks/sitecustomize.py``: a mailbox of ``BENCH_COST_EMAILS``
lead emails is backfilled (per 1,000 emails ingested); ``BENCH_MAILBOXES`` connected
mailboxes then sit for one simulated hour (four safety-net syncs and an audit, every
mailbox, as Cloud Scheduler runs them) and one ``GET /gmail/status`` is made. Operations are
priced with ``tests/bench/prices.json`` (its sources and date inside); the scale model
multiplies the per-mailbox figures to 1,000 and 10,000 mailboxes and times each scheduled
task's fan-out on the measured mailboxes. Prints the tables, writes ``build/bench-cost.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER, Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.bench.lanes import cpu_seconds
from tests.bench.pipeline_bench import events, fake_stats, probed

LABEL = "Processed lead"
PRICES = json.loads((Path(__file__).with_name("prices.json")).read_text())
TASK_TIMEOUT_S = 300  # scheduled_tasks's and retry_failed's timeout (infra/terraform/main.tf)
MEMORY_GIB = 0.5  # per instance, for the memory part of the CPU bill
SOLO = "solo@example.com"  # a landlord with one mailbox (the others are the demo user's)


def counted(
    d: Driver, folder: Path, work: Callable[[], None], only: str | None = None
) -> dict[str, float]:
    """Reads, writes, messages, Gmail units and CPU-seconds ``work`` caused (``only``: in
    that function's process alone)."""
    before, cpu, start = fake_stats(d), cpu_seconds(d), time.time()
    work()
    time.sleep(3)  # the last probe lines and CPU of the work's tail
    evs = events(folder, start, time.time())
    if only is not None:  # the process whose probe saw that function's invocations
        pids = {e["pid"] for e in evs if e["kind"] == "invoke" and e.get("fn") == only}
        evs = [e for e in evs if e["pid"] in pids]
    stats = fake_stats(d)
    stats.subtract(before)
    return {
        "reads": sum(e.get("n", 1) for e in evs if e["kind"] == "read"),
        "writes": sum(1 for e in evs if e["kind"] == "write"),
        "messages": sum(1 for e in evs if e["kind"] == "publish") + stats["notifications.sent"],
        "requests": sum(1 for e in evs if e["kind"] == "invoke"),
        "gmail_units": stats["quota_units"],
        "cpu_s": round(cpu_seconds(d) - cpu, 2),
    }


def dollars(ops: dict[str, float]) -> float:
    """What ``ops`` cost at the price table's list prices."""
    p = PRICES  # busy CPU time stands for billed instance time (a lower bound of it)
    cpu = ops["cpu_s"] * (p["cpu_second"] + MEMORY_GIB * p["gib_second"])
    return float(
        ops["reads"] * p["firestore_read"]
        + ops["writes"] * p["firestore_write"]
        + ops["messages"] * p["pubsub_message"]
        + ops["requests"] * p["request"]
        + cpu
    )


def scaled(ops: dict[str, float], factor: float) -> dict[str, float]:
    return {k: round(v * factor, 3) for k, v in ops.items()}


def ingest(d: Driver, folder: Path, n: int) -> dict[str, float]:
    """Per 1,000 emails: a mailbox holding ``n`` lead emails connected and backfilled."""
    box = "cost-ingest@example.com"
    d.create_mailbox(box, LABEL)
    for raw, _ in stream(n, 8100, box):
        d.deliver(box, raw, [LABEL], notify=False)

    def work() -> None:
        d.connect(box, user=SOLO)
        wait_until(lambda: sum(d.outcomes(box).values()) >= n, 900, every=2.0)

    return scaled(counted(d, folder, work), 1000 / n)


def connect_many(d: Driver, count: int) -> list[str]:
    """``count`` connected mailboxes holding two lead emails each."""
    boxes = [f"cost-rest-{i:04d}@example.com" for i in range(count)]
    for i, box in enumerate(boxes):
        d.create_mailbox(box, LABEL)
        for raw, _ in stream(2, 9000 + i, box):
            d.deliver(box, raw, [LABEL], notify=False)
        d.connect(box)
    wait_until(lambda: all(sum(d.outcomes(b).values()) >= 2 for b in boxes[-5:]), 600, 2.0)
    return boxes


def timed(d: Driver, name: str, task: str | None, done: Callable[[], bool]) -> float:
    """Seconds the scheduled function took (its fan-out: what its timeout bounds); then
    waits until ``done`` (the per-mailbox jobs it queued finished, each in its own run)."""
    start = time.time()
    assert d.scheduler(name, task).status_code == 200
    took = round(time.time() - start, 2)
    wait_until(done, 900, every=1.0)
    return took


def at_rest(d: Driver, folder: Path, boxes: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Per mailbox-hour at rest (12 retry sweeps, 4 safety-net syncs, 1 audit, as
    Terraform schedules them), and the seconds each scheduled call took."""
    times: dict[str, float] = {}

    connected = len(boxes) + 1  # and the ingest mailbox

    def synced_after(start: float) -> Callable[[], bool]:
        """Every mailbox's job of the task ran (the sync function's invocations since)."""
        return lambda: (
            sum(
                1
                for e in events(folder, start, time.time() + 1)
                if e["kind"] == "invoke" and e.get("fn") == "sync_mailbox"
            )
            >= connected
        )

    def hour() -> None:  # as scheduled: safety net every 15 min, audit hourly, sweep every 5
        for i in range(12):
            times[f"retry_sweep_{i}"] = timed(d, "retry_failed", None, lambda: True)
            if i % 3 == 0:
                when = time.time()
                times[f"safety_net_{i // 3}"] = timed(
                    d, "scheduled_tasks", "sync", synced_after(when)
                )
        times["audit"] = timed(d, "scheduled_tasks", "audit", synced_after(time.time()))

    rest = scaled(counted(d, folder, hour), 1 / connected)
    times["renew_daily"] = timed(d, "scheduled_tasks", "renew", lambda: True)
    return rest, times


def status(d: Driver, folder: Path) -> dict[str, float]:
    """One ``GET /gmail/status`` of a user with one mailbox (the ingest one)."""
    token = d.mint("fake-client", SOLO)
    url = f"{d.fns.url('api')}/gmail/status?mailbox=cost-ingest@example.com"

    def call() -> None:
        requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    time.sleep(10)  # the scheduled work before it has ended
    return counted(d, folder, call, only="api")


def model(rest: dict[str, float], times: dict[str, float], measured: int) -> list[dict[str, Any]]:
    """The scale model for 1,000 and 10,000 mailboxes at rest (24 hours a day)."""
    out = []
    for mailboxes in (1_000, 10_000):
        day = scaled(rest, 24 * mailboxes)
        units_per_min = day["gmail_units"] / (24 * 60)
        fanout = {k: round(v * mailboxes / measured, 1) for k, v in times.items()}
        out.append(
            {
                "mailboxes": mailboxes,
                "firestore_reads_per_day": day["reads"],
                "firestore_writes_per_day": day["writes"],
                "pubsub_messages_per_day": day["messages"],
                "gmail_units_per_day": day["gmail_units"],
                "gmail_share_of_project_quota": round(
                    units_per_min / PRICES["gmail_units_per_minute_project"], 4
                ),
                "dollars_per_day": round(dollars(day), 2),
                "slowest_task_s": max(fanout.values()),
                "every_task_within_timeout": max(fanout.values()) < TASK_TIMEOUT_S,
            }
        )
    return out


def main() -> int:
    """Measure, price, model, print."""
    n = int(os.environ.get("BENCH_COST_EMAILS", "1000"))
    count = int(os.environ.get("BENCH_MAILBOXES", "200"))
    out_dir = ROOT / "build" / "bench-cost"
    folder, probes = probed(out_dir)
    extra = {**probes, "ALLOWED_USERS": f"{DEMO_USER},{SOLO}"}
    with local_stack(out_dir) as stack:
        d = Driver(Functions(stack, extra_env=extra).start())
        per_1000 = ingest(d, folder, n)
        boxes = connect_many(d, count)
        rest, times = at_rest(d, folder, boxes)
        one_status = status(d, folder)
    month = scaled(rest, 24 * 30)
    result = {
        "prices_date": PRICES["date"],
        "per_1000_emails": per_1000 | {"dollars": round(dollars(per_1000), 4)},
        "per_mailbox_hour_at_rest": rest,
        "per_mailbox_month_at_rest": month | {"dollars": round(dollars(month), 4)},
        "per_status_call": one_status,
        "scheduled_task_seconds": times | {"mailboxes": count + 1},
        "scale_model": model(rest, times, count + 1),
    }
    (ROOT / "build" / "bench-cost.json").write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key}: {json.dumps(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
