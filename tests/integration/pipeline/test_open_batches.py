"""Open batches on the emulators: a chunk delivered twice at once sends its follower once;
the stuck-batch sweep finds a batch of any age (behind 50 newer ones), sends it again and
health says so until it finishes; a finished batch is closed."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from infra.local.mailgen import stream
from shared.clock import micros, utcnow
from shared.events import SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.health import mailbox_health
from shared.services.mailbox.sync import sync_mailbox
from shared.services.scheduled.retry import retry_due
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_lanes import _window


def test_two_deliveries_of_a_chunk_at_once_send_its_follower_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = pipeline
    _window(p, monkeypatch, 1)
    [p.deliver(raw) for raw, _ in stream(10, 66, p.mailbox)]  # 2 chunks of 5
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    [first] = p.chunk_jobs()
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        process_chunk(p.deps, first)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    followers = p.chunk_jobs()
    assert [j.chunk_id for j in followers] == ["c00001"]  # once, not once per delivery
    process_chunk(p.deps, followers[0])
    assert p.chunk_jobs() == []
    batch = p.deps.db.collection("batches").document(first.batch_id).get().to_dict() or {}
    assert batch["open"] is False and batch["final"] == {"c00000": 5, "c00001": 5}


def test_a_stuck_batch_behind_fifty_newer_ones_is_sent_again(pipeline: Pipeline) -> None:
    p = pipeline
    ids = [p.deliver(raw) for raw, _ in stream(3, 67, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    [lost] = p.chunk_jobs()  # its chunk message is lost: nothing ever processes it
    now = utcnow()
    for n in range(50):  # fifty newer batches, finished
        p.deps.batches.create(f"newer-{n}", p.mailbox, "push", {"c00000": []}, now, "o")
        p.deps.db.collection("batches").document(f"newer-{n}").update({"open": False})
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    assert "stuck_batches" not in mailbox_health(p.deps, account)[1]
    old = micros(now - timedelta(hours=5))
    p.deps.db.collection("batches").document(lost.batch_id).update({"progress_us": old})
    retry_due(p.deps)
    [again] = p.chunk_jobs()
    assert (again.batch_id, sorted(again.ids)) == (lost.batch_id, sorted(ids))
    assert "stuck_batches" in mailbox_health(p.deps, account)[1]
    retry_due(p.deps)  # in flight: not sent a second time
    assert p.chunk_jobs() == []
    process_chunk(p.deps, again)
    batch: dict[str, Any] = (
        p.deps.db.collection("batches").document(lost.batch_id).get().to_dict() or {}
    )
    assert batch["open"] is False and batch["stuck"] is False
    assert "stuck_batches" not in mailbox_health(p.deps, account)[1]
    assert sorted(p.deps.leads.existing(p.mailbox, ids)) == sorted(ids)


def test_a_claimant_that_died_before_publishing_is_taken_over(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between its claim and its publish, a chunk left a claim never marked sent: the
    redelivery takes it over and the chain goes on (before, it waited for the sweep)."""
    p = pipeline
    _window(p, monkeypatch, 1)
    [p.deliver(raw) for raw, _ in stream(10, 68, p.mailbox)]  # 2 chunks of 5
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    [first] = p.chunk_jobs()
    sent = p.deps.db.collection("batches").document(first.batch_id).collection("sent")
    died = micros(utcnow() - timedelta(minutes=2))
    sent.document("c00001").set({"state": "claimed", "at_us": died})
    process_chunk(p.deps, first)
    assert [j.chunk_id for j in p.chunk_jobs()] == ["c00001"]
    assert (sent.document("c00001").get().to_dict() or {})["state"] == "sent"
