"""The two lanes on the emulators: live chunks on their own topic, bulk chunks a window at a
time (each finished chunk sends the next), and no worker held waiting for quota."""

from __future__ import annotations

import dataclasses
import math
import time
from datetime import timedelta

import pytest

from infra.local.mailgen import stream
from shared.clock import utcnow
from shared.errors import QuotaBusyError
from shared.events import SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from shared.store import batches
from tests.integration.pipeline.conftest import Pipeline


def _window(p: Pipeline, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(p.deps, "settings", dataclasses.replace(p.deps.settings, chunk_window=size))


def test_new_mail_goes_live_and_a_backfill_goes_bulk(pipeline: Pipeline) -> None:
    p = pipeline
    backfilled = [p.deliver(raw) for raw, _ in stream(7, 61, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    bulk = p.chunk_jobs("TOPIC_BATCHES")
    assert sorted(i for j in bulk for i in j.ids) == sorted(backfilled)
    assert p.chunk_jobs("TOPIC_LIVE") == []
    new = p.deliver(next(iter(stream(1, 62, p.mailbox)))[0])
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push")) == 1
    [live] = p.chunk_jobs("TOPIC_LIVE")
    assert live.ids == [new] and live.window == 0 and p.chunk_jobs("TOPIC_BATCHES") == []


@pytest.mark.parametrize("ids_on_batch", [batches.IDS_ON_BATCH, 3])
def test_a_bulk_batch_keeps_a_window_of_chunks_in_flight(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, ids_on_batch: int
) -> None:
    """Before, a backfill published every chunk at once: one mailbox's backlog filled the
    queue ahead of every other mailbox's work."""
    p = pipeline
    monkeypatch.setattr(batches, "IDS_ON_BATCH", ids_on_batch)  # small: ids on chunk docs
    _window(p, monkeypatch, 2)
    ids = [p.deliver(raw) for raw, _ in stream(23, 63, p.mailbox)]  # 5 chunks of 5
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    first = p.chunk_jobs()
    assert [j.chunk_id for j in first] == ["c00000", "c00001"] and {j.window for j in first} == {2}
    process_chunk(p.deps, first[0])
    [third] = p.chunk_jobs()
    assert third.chunk_id == "c00002" and third.trigger == "backfill"
    process_chunk(p.deps, first[0])  # redelivered: its next chunk was already sent
    assert p.chunk_jobs() == []
    # killed after storing its emails, before recording the chunk: its follower had gone out
    # (it is sent first) and its marker says so: the redelivery does not send it twice
    batch = p.deps.db.collection("batches").document(first[0].batch_id)
    batch.collection("chunks").document("c00000").delete()
    process_chunk(p.deps, first[0])
    assert p.chunk_jobs() == []
    # killed between the marker and the publish (the marker stays): the follower's emails
    # have no outcome, so the stuck-batch sweep sends them (test_open_batches.py); here the
    # marker is removed as a failed publish removes it, and the redelivery sends it
    batch.collection("sent").document("c00002").delete()
    batch.collection("chunks").document("c00000").delete()
    process_chunk(p.deps, first[0])
    assert [j.chunk_id for j in p.chunk_jobs()] == ["c00002"]
    queue = [first[1], third]
    seen = {first[0].chunk_id}
    while queue:
        job = queue.pop(0)
        seen.add(job.chunk_id)
        process_chunk(p.deps, job)
        queue += p.chunk_jobs()
    assert seen == {f"c{n:05d}" for n in range(5)}
    batch_id = first[0].batch_id
    summary = p.deps.batches.summary(batch_id)
    assert summary is not None and summary.status == "completed" and summary.total == len(ids)


def test_a_chunk_never_waits_long_for_its_mailboxs_quota(pipeline: Pipeline) -> None:
    """Before, a worker slept up to 30 s holding its slot while the mailbox's quota was
    reserved by other chunks."""
    p = pipeline
    p.deliver(next(iter(stream(1, 64, p.mailbox)))[0])
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    [job] = p.chunk_jobs()
    quota = p.deps.quota
    now = math.floor(time.time() / quota.block_s)
    taken = p.deps.db.batch()  # other chunks reserved the next 10 s (twice the longest wait)
    for n in range(now, now + 2 * quota.max_blocks):
        slot = p.deps.db.collection("quota_slots").document(f"{p.mailbox}:{n}")
        taken.set(slot, {"expires_at": utcnow() + timedelta(minutes=10)})
    taken.commit()
    with pytest.raises(QuotaBusyError):  # back to Pub/Sub, redelivered after its backoff
        process_chunk(p.deps, job)
    assert list(p.deps.db.collection("retries").stream()) == []  # not a failed email


def test_a_burst_of_new_mail_is_windowed_on_the_live_lane(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst used to put all its chunks in flight at once: they fought over the mailbox's
    quota and went back to Pub/Sub again and again."""
    p = pipeline
    _window(p, monkeypatch, 2)
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    p.chunk_jobs()
    burst = [p.deliver(raw) for raw, _ in stream(16, 65, p.mailbox)]  # 4 chunks of 5
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    first = p.chunk_jobs("TOPIC_LIVE")
    assert [j.chunk_id for j in first] == ["c00000", "c00001"]
    process_chunk(p.deps, first[0])
    [following] = p.chunk_jobs("TOPIC_LIVE")  # on the live lane, not the bulk one
    assert following.chunk_id == "c00002" and following.trigger == "push"
    for job in (first[1], following, *p.chunk_jobs("TOPIC_LIVE")):
        process_chunk(p.deps, job)
    last = p.chunk_jobs("TOPIC_LIVE")
    for job in last:
        process_chunk(p.deps, job)
    assert sorted(p.deps.leads.existing(p.mailbox, burst)) == sorted(burst)
