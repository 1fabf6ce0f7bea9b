"""A 4,000-email mailbox at rest on the whole local stack, with the bench's probes counting
Firestore's reads and writes as billed inside every function process: one scheduled hour of
the mailbox's own work (four safety-net syncs and an audit) reads at most 30 documents and
writes at most 10, and the same audit still finds the 3 emails whose records went missing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.bench.pipeline_bench import events, probed
from tests.e2e.invariant import mailbox_docs

MAILBOX = "rest@example.com"
LABEL = "Processed lead"
EMAILS = 4_000


@pytest.fixture(scope="module")
def probed_stack() -> Iterator[tuple[Driver, Path]]:
    out = ROOT / "build" / "logs" / "e2e-cost-at-rest"
    folder, probes = probed(out)
    with local_stack(out) as stack:
        yield Driver(Functions(stack, extra_env=probes).start()), folder


def _sync_runs(folder: Path, start: float) -> int:
    found = events(folder, start, time.time() + 1)
    return sum(1 for e in found if e["kind"] == "invoke" and e.get("fn") == "sync_mailbox")


def _audited(folder: Path, since: float) -> bool:
    """Whether an audit's report was written since ``since`` and no probe line has come in
    for half a second (its process wrote the last of that run's operations)."""

    def quiet() -> bool:
        found = events(folder, since, time.time() + 1)
        wrote = any(
            e["kind"] == "write" and str(e.get("doc", "")).startswith(f"accounts/{MAILBOX}")
            for e in found
        )
        return wrote and max(e["t"] for e in found) < time.time() - 0.5

    return wait_until(quiet, 60, every=0.25)


def _ran(folder: Path, start: float, runs: int) -> bool:
    """Whether the sync function ran ``runs`` times since ``start`` (the jobs were served)."""
    return wait_until(lambda: _sync_runs(folder, start) >= runs, 60)


def test_an_hour_at_rest_reads_a_handful_and_finds_lost_mail(
    probed_stack: tuple[Driver, Path],
) -> None:
    d, folder = probed_stack
    d.create_mailbox(MAILBOX, LABEL)
    ids = [d.deliver(MAILBOX, raw, [LABEL], notify=False) for raw, _ in stream(EMAILS, 17, MAILBOX)]
    assert "gmail=connected" in d.connect(MAILBOX).headers["Location"]
    assert wait_until(lambda: sum(d.outcomes(MAILBOX).values()) >= EMAILS, 600, every=2.0)
    first = time.time()
    assert d.scheduler("scheduled_tasks", "audit").status_code == 200  # the first compares all
    assert wait_until(lambda: (d.account(MAILBOX).get("audit") or {}).get("full") is True, 120)
    assert _ran(folder, first, 1)
    assert _audited(folder, first)  # its operations are out of the measured hour
    start = time.time()
    for n in range(4):  # the hour: a safety net every 15 minutes, then the audit
        assert d.scheduler("scheduled_tasks", "sync").status_code == 200
        assert _ran(folder, start, n + 1)
    audit = time.time()
    assert d.scheduler("scheduled_tasks", "audit").status_code == 200
    assert _ran(folder, start, 5)
    assert _audited(folder, audit)  # every probe line of the hour is in
    work = [
        e for e in events(folder, start, time.time()) if e["kind"] in ("read", "write")
    ]  # every function process: the fan-outs and the mailbox's sync runs
    reads = sum(e.get("n", 1) for e in work if e["kind"] == "read")
    writes = sum(1 for e in work if e["kind"] == "write")
    print(f"one hour at rest, {EMAILS}-email mailbox: {reads} reads, {writes} writes")
    assert reads <= 30 and writes <= 10, (reads, writes)
    report = d.account(MAILBOX)["audit"]
    assert (report["full"], report["missing"], report["recorded"]) == (False, 0, EMAILS)
    db = d.db()
    for gid in ids[:3]:  # three records lost: the next audit's counts differ, it compares
        db.collection("messages").document(f"{MAILBOX}:{gid}").delete()
    assert d.scheduler("scheduled_tasks", "audit").status_code == 200
    assert wait_until(lambda: (d.account(MAILBOX).get("audit") or {}).get("missing") == 3, 120)
    assert wait_until(lambda: len(mailbox_docs(d, "messages", MAILBOX)) == EMAILS, 120)
