"""The lanes measured on the local stack: several mailboxes backfilling at once, and single
new leads (into a quiet mailbox, and into one while another mailbox backfills 4,000)."""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from infra.local.driver import Driver, wait_until
from infra.local.mailgen import stream

LABEL = "Processed lead"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(d: Driver) -> float:
    """CPU time (user + system) of every function process and its workers so far."""
    groups = {proc.pid for proc in d.fns.procs.values()}
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) in groups:  # its process group is a function's
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def _done_at(d: Driver, mailbox: str) -> dict[str, float]:
    return {
        gid: r["processed_at"].timestamp() for gid, r in d.records(mailbox, "processed_at").items()
    }


def multi_mailbox(d: Driver, n: int, mailboxes: int, tag: str) -> dict[str, Any]:
    """``mailboxes`` mailboxes holding ``n`` lead emails each, connected at once."""
    boxes = [f"bench-multi-{tag}-{i}@example.com" for i in range(mailboxes)]
    for i, box in enumerate(boxes):
        d.create_mailbox(box, LABEL)
        for raw, _ in stream(n, 7000 + 97 * i + len(tag), box):
            d.deliver(box, raw, [LABEL], notify=False)
    cpu, start = cpu_seconds(d), time.time()
    connected: dict[str, float] = {}
    for box in boxes:  # one after another: the fake's consent screen serves one at a time
        connected[box] = time.time()
        d.connect(box)
    total = n * mailboxes
    wait_until(lambda: sum(len(d.records(b, "outcome")) for b in boxes) >= total, 1200, 2.0)
    cpu = cpu_seconds(d) - cpu
    ends = {b: max(_done_at(d, b).values()) for b in boxes}
    rates = {b: n / (ends[b] - connected[b]) for b in boxes}
    return {
        "multi_mailbox_emails_per_s": round(total / (max(ends.values()) - start), 1),
        "multi_mailbox_fairness": round(min(rates.values()) / max(rates.values()), 3),
        "per_mailbox_emails_per_s": [round(r, 1) for r in rates.values()],
        "cpu_s_per_1000_emails": round(cpu / total * 1000, 1),
    }


def _singles(d: Driver, box: str, seed: int, until: Any, every: float = 1.3) -> list[float]:
    """New leads one at a time into ``box`` while ``until()`` holds: their latencies (s)."""
    sent: dict[str, float] = {}
    for raw, _ in stream(400, seed, box):
        if not until():
            break
        at = time.time()
        sent[d.deliver(box, raw, [LABEL])] = at
        time.sleep(every)  # Gmail notifies at most once a second per mailbox
    wait_until(lambda: set(sent) <= set(_done_at(d, box)), 120)
    done = _done_at(d, box)
    return [done[g] - at for g, at in sent.items() if g in done]


def _quantiles(latency: list[float]) -> tuple[float, float]:
    return statistics.median(latency), statistics.quantiles(latency, n=20)[18]


def live_quiet(d: Driver, count: int, tag: str) -> dict[str, Any]:
    """Single new leads into a quiet, connected mailbox."""
    box = f"bench-live-{tag}@example.com"
    d.create_mailbox(box, LABEL)
    d.connect(box)
    time.sleep(2)
    left = iter(range(count))
    latency = _singles(d, box, 8100 + len(tag), lambda: next(left, None) is not None)
    p50, p95 = _quantiles(latency)
    return {"live_p50_s": round(p50, 2), "live_p95_s": round(p95, 2), "live_samples": len(latency)}


def live_during_backfill(d: Driver, backfill: int, tag: str) -> dict[str, Any]:
    """New leads of mailbox B while mailbox A backfills ``backfill`` emails."""
    a, b = f"bench-bulk-{tag}@example.com", f"bench-quiet-{tag}@example.com"
    for box in (a, b):
        d.create_mailbox(box, LABEL)
    for raw, _ in stream(backfill, 8200 + len(tag), a):
        d.deliver(a, raw, [LABEL], notify=False)
    d.connect(b)
    time.sleep(2)
    threading.Thread(target=d.connect, args=(a,), daemon=True).start()
    time.sleep(1)
    latency = _singles(d, b, 8300 + len(tag), lambda: len(d.records(a, "outcome")) < backfill)
    p50, p95 = _quantiles(latency)
    wait_until(lambda: len(d.records(a, "outcome")) >= backfill, 600, 2.0)
    return {
        "live_p50_during_backfill_s": round(p50, 2),
        "live_p95_during_backfill_s": round(p95, 2),
        "live_during_backfill_samples": len(latency),
    }
