"""Queuing batches, sending followers, and the retry sweep, on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import GmailRateLimitError, InvalidGrantError, MessageGoneError, QuotaBusyError
from shared.events import ChunkJob
from shared.records import Failure
from shared.services.ingest.failures import record_failures
from shared.services.ingest.process import process_chunk
from shared.services.ingest.queue import batch_id_for, queue_batch
from shared.services.ingest.window import send_next
from shared.services.scheduled.retry import retry_batch, retry_due, unpark
from tests.fakes.deps import LABEL, MAILBOX, OWNER, Deps, account
from tests.unit.services.conftest import NOT_A_LEAD, leads

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_no_ids_queue_no_batch(deps: Deps) -> None:
    assert queue_batch(deps, account(), "push", 100, []) is None
    assert deps.publisher.jobs == [] and deps.batches.rows == {}


@pytest.mark.parametrize(
    ("trigger", "topic"),
    [
        ("push", "live"),
        ("scheduled", "live"),
        ("backfill", "bulk"),
        ("audit", "bulk"),
        ("manual", "bulk"),
        ("reparse", "bulk"),
    ],
)
def test_each_trigger_goes_to_its_lane(deps: Deps, trigger: str, topic: str) -> None:
    queue_batch(deps, account(), trigger, 100, ["m1", "m2"])  # type: ignore[arg-type]
    assert {t for t, _ in deps.publisher.jobs} == {topic}


def test_a_redelivered_sync_makes_the_same_batch(deps: Deps) -> None:
    ids = ["m1", "m2", "m3"]
    assert batch_id_for(MAILBOX, "push", 7, ids) == batch_id_for(MAILBOX, "push", 7, ids)
    assert batch_id_for(MAILBOX, "push", 7, ids) != batch_id_for(MAILBOX, "push", 8, ids)
    first = queue_batch(deps, account(), "push", 7, ids)
    assert queue_batch(deps, account(), "push", 7, ids) == first and len(deps.batches.rows) == 1


def test_a_small_batch_sends_every_chunk_without_a_window(deps: Deps) -> None:
    queue_batch(deps, account(), "backfill", 1, [f"m{i}" for i in range(12)])  # 3 chunks of 5
    jobs = deps.publisher.chunks()
    assert [len(j.ids) for j in jobs] == [5, 5, 2] and {j.window for j in jobs} == {0}


def test_a_big_batch_sends_a_window_and_each_chunk_its_follower_once(deps: Deps) -> None:
    queue_batch(deps, account(), "backfill", 1, [f"m{i}" for i in range(40)])  # 8 chunks
    first = deps.publisher.take()
    assert [j.chunk_id for j in first] == ["c00000", "c00001", "c00002", "c00003"]
    assert send_next(deps, first[0]) == "c00004"
    assert send_next(deps, first[0]) is None  # a second run of the chunk sends nothing
    [follower] = deps.publisher.take()
    assert follower.ids == [f"m{i}" for i in range(20, 25)] and follower.window == 4
    assert (
        send_next(deps, ChunkJob(first[0].batch_id, "c00004", MAILBOX, [], "backfill", 4)) is None
    )


def test_a_failed_publish_gives_the_follower_back(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_batch(deps, account(), "backfill", 1, [f"m{i}" for i in range(40)])
    first = deps.publisher.take()

    def broken(topic: str, jobs: object) -> None:
        raise RuntimeError("Pub/Sub unavailable")

    monkeypatch.setattr(deps.publisher, "publish", broken)
    with pytest.raises(RuntimeError):
        send_next(deps, first[1])
    monkeypatch.undo()
    assert send_next(deps, first[1]) == "c00005"  # the redelivery sends it


def test_oversized_mail_is_read_in_parts_and_text_over_the_bound_unrecognised(
    deps: Deps,
) -> None:
    small = leads(deps, 2)
    big = deps.gmail.add(NOT_A_LEAD + b"z" * (deps.settings.email_max_bytes + 1), LABEL)
    batch = queue_batch(deps, account(), "push", 1, [*small, big], {big})
    assert (MAILBOX, big) not in deps.leads.records
    jobs = {j.chunk_id: j for j in deps.publisher.take()}
    assert {k: j.ids for k, j in jobs.items()} == {"c00000": small, "f00000": [big]}
    outcomes = {**process_chunk(deps, jobs["c00000"]), **process_chunk(deps, jobs["f00000"])}
    assert outcomes[big] == "not_lead" and deps.gmail.calls["read.raw"] == 2
    assert deps.gmail.calls["read.full"] == 1
    record = deps.leads.records[(MAILBOX, big)]
    assert (record["needs_review"], record["limits_hit"]) == (True, ["email_bytes"])
    assert batch == jobs["c00000"].batch_id


def test_failures_are_gone_parked_or_pending_each_with_why(deps: Deps) -> None:
    job = ChunkJob("b1", "c00000", MAILBOX, ["a", "b", "c"], "push")
    later = NOW + timedelta(minutes=5)
    failures = {
        "a": MessageGoneError("deleted"),
        "b": GmailRateLimitError("429", retry_at=later),
        "c": GmailRateLimitError("429"),
    }
    outcomes = record_failures(deps, job, OWNER, ["a", "b", "c"], failures, False, NOW)
    assert outcomes == {"a": "gone", "b": "failed", "c": "failed"}
    rows = {r["message_id"]: r for r in deps.retries.rows.values()}
    assert set(rows) == {"b", "c"} and {r["attempts"] for r in rows.values()} == {0}
    assert all(r["next_attempt_at"] >= later for r in rows.values())  # the mailbox's hold


def test_parked_failures_name_the_mailbox_not_the_email(deps: Deps) -> None:
    job = ChunkJob("b1", "c00000", MAILBOX, ["a"], "push")
    assert record_failures(deps, job, OWNER, ["a"], {}, True, NOW) == {"a": "parked"}
    [row] = deps.retries.rows.values()
    assert row["error_class"] == InvalidGrantError.__name__


def _failed(deps: Deps, *ids: str, batch: str = "b1", mailbox: str = MAILBOX) -> None:
    for gmail_id in ids:
        failure = Failure(gmail_id, "GmailUnavailableError", "500")
        deps.retries.fail(mailbox, batch, "c00000", failure, NOW - timedelta(hours=1), owner=OWNER)


def test_the_sweep_requeues_due_entries_as_retry_chunks(deps: Deps) -> None:
    _failed(deps, "a", "b")
    _failed(deps, "c", batch="b2")
    assert retry_due(deps) == 3
    jobs = deps.publisher.chunks()
    assert {(j.batch_id, tuple(sorted(j.ids)), j.trigger) for j in jobs} == {
        ("b1", ("a", "b"), "retry"),
        ("b2", ("c",), "retry"),
    }


def test_the_sweep_parks_the_due_work_of_a_mailbox_that_needs_re_consent(deps: Deps) -> None:
    deps.accounts.save(account(state="needs_reauth"))
    _failed(deps, "a")
    assert retry_due(deps) == 0 and deps.publisher.jobs == []
    assert {r["state"] for r in deps.retries.rows.values()} == {"parked"}
    deps.accounts.save(account())
    assert retry_due(deps) == 1  # parked work of a reconnected mailbox resumes


def test_entries_not_yet_due_wait(deps: Deps) -> None:
    failure = Failure(
        "a", "GmailUnavailableError", "500", not_before=datetime.now(UTC) + timedelta(hours=1)
    )
    deps.retries.fail(MAILBOX, "b1", "c00000", failure, datetime.now(UTC), owner=OWNER)
    assert retry_due(deps) == 0


def test_an_operator_retries_a_batchs_dead_emails(deps: Deps) -> None:
    for _ in range(3):
        _failed(deps, "a")
    assert {r["state"] for r in deps.retries.rows.values()} == {"dead"}
    assert retry_batch(deps, "b1") == 1
    [job] = deps.publisher.chunks()
    assert job.ids == ["a"] and job.trigger == "retry"


def test_a_reconnect_unparks_the_mailboxs_work(deps: Deps) -> None:
    failure = Failure("a", "InvalidGrantError", "revoked")
    deps.retries.fail(MAILBOX, "b1", "c00000", failure, NOW, park=True, owner=OWNER)
    assert unpark(deps, MAILBOX) == 1 and deps.publisher.chunks()[0].ids == ["a"]


def test_stuck_chunks_of_connected_mailboxes_are_sent_again(deps: Deps) -> None:
    deps.batches.create(
        "old", MAILBOX, "backfill", {"c00000": ["a", "b"]}, NOW - timedelta(hours=2), OWNER
    )
    deps.batches.record("old", "c00000", {"a": "lead"}, NOW - timedelta(hours=2))
    assert retry_due(deps) == 1
    [job] = deps.publisher.chunks()
    assert (job.batch_id, job.ids, job.trigger) == ("old", ["b"], "backfill")


def test_a_busy_quota_raises_for_pubsub_to_redeliver(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.quota.busy = True
    with pytest.raises(QuotaBusyError):
        process_chunk(deps, ChunkJob("b1", "c00000", MAILBOX, ids, "push"))
    assert deps.retries.rows == {} and deps.leads.records == {}
