"""The audit at rest, on the emulators, with Firestore's reads and writes counted as billed:
an hour of a mailbox with no new mail (four safety-net syncs and an audit) costs a handful
of documents whatever its history, and the same audit still finds records that went
missing; during a backfill it queues nothing that is in flight."""

from __future__ import annotations

from dataclasses import asdict

from shared.events import SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.health import mailbox_health
from shared.services.mailbox.sync import sync_mailbox
from tests.firestore_ops import counting
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_gmail_word import _account, _connected, _drain


def _audit(p: Pipeline) -> dict[str, object]:
    sync_mailbox(p.deps, SyncJob(p.mailbox, "audit"))
    report = _account(p).audit
    assert report is not None
    return asdict(report)


def test_an_hour_at_rest_reads_a_handful_and_still_finds_lost_mail(pipeline: Pipeline) -> None:
    p = pipeline
    ids = _connected(p, 300)
    while _drain(p):  # the backfill's window of chunks, to the end
        pass
    first = _audit(p)  # the first audit compares id by id (none before)
    assert (first["full"], first["missing"], first["label_total"]) == (True, 0, 300)
    with counting() as ops:
        for _ in range(4):  # the safety net every 15 minutes
            assert sync_mailbox(p.deps, SyncJob(p.mailbox, "scheduled")) == 0
        report = _audit(p)
    assert (report["full"], report["missing"], report["recorded"]) == (False, 0, 300)
    print(f"one hour at rest, 300-email mailbox: {ops}")
    assert ops.reads <= 30 and ops.writes <= 10, ops
    for gid in ids[:3]:  # three records lost: the counts differ, the audit compares
        p.deps.leads.record(p.mailbox, gid).delete()
    found = _audit(p)
    assert (found["full"], found["missing"], found["queued"]) == (True, 3, 3)
    assert sorted(_drain(p)) == sorted(ids[:3])


def test_an_audit_during_a_backfill_queues_nothing_in_flight(pipeline: Pipeline) -> None:
    p = pipeline
    _connected(p, 40)
    jobs = p.chunk_jobs()  # the backfill's first chunks: queued, not yet processed
    process_chunk(p.deps, jobs[0])
    report = _audit(p)
    assert (report["missing"], report["queued"]) == (0, 0), report
    assert int(str(report["in_flight"])) == 40 - len(jobs[0].ids)
    assert "audit_missing" not in mailbox_health(p.deps, _account(p))[1]
