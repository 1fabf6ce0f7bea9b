"""Sync and processing on the emulators: redelivery, races, faults, poison, revoked tokens."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
import requests

from infra.local.mailgen import Renter, lead_email, stream
from shared.clock import utcnow
from shared.events import ChunkJob, SyncJob
from shared.gmail.errors import quota_day_end
from shared.gmail.gateway import GoogleGmail
from shared.records import Failure
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from shared.services.scheduled.retry import retry_due
from shared.services.scheduled.tasks import renew_watches
from shared.store.locks import LockHeldError
from tests.firestore_ops import counting
from tests.helpers import corpus_files
from tests.integration.pipeline.conftest import Pipeline


def backfill(p: Pipeline, n: int) -> list[str]:
    ids = [p.deliver(raw) for raw, _ in stream(n, 11, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    return ids


def outcomes(p: Pipeline) -> Counter[str]:
    docs = p.deps.db.collection("messages").stream()
    return Counter((d.to_dict() or {})["outcome"] for d in docs)


def inquiries(p: Pipeline) -> int:
    """Inquiries the leads count; each must be an email record that points at its lead."""
    counts = {
        d.id: (d.to_dict() or {})["inquiry_count"] for d in p.deps.db.collection("leads").stream()
    }
    on_records = Counter(
        (d.to_dict() or {}).get("lead_id") for d in p.deps.db.collection("messages").stream()
    )
    assert {k: n for k, n in on_records.items() if k} == counts
    return sum(counts.values())


def test_every_chunk_delivered_twice_gives_no_duplicates_and_exact_counts(
    pipeline: Pipeline,
) -> None:
    p = pipeline
    ids = backfill(p, 23)
    jobs = p.chunk_jobs()
    assert sorted(i for j in jobs for i in j.ids) == sorted(ids) and len(jobs) == 5
    for job in reversed(jobs):  # out of order
        process_chunk(p.deps, job)
    first = (outcomes(p), inquiries(p), len(list(p.deps.db.collection("leads").stream())))
    for job in jobs:  # every message delivered a second time
        assert set(process_chunk(p.deps, job).values()) <= {"lead", "merged"}
    assert (outcomes(p), inquiries(p), len(list(p.deps.db.collection("leads").stream()))) == first
    assert sum(first[0].values()) == 23 == first[1]
    summary = p.deps.batches.summary(jobs[0].batch_id)
    assert summary is not None and summary.status == "completed"
    assert (summary.total, summary.succeeded, summary.failed, summary.skipped) == (23, 23, 0, 0)


def test_second_sync_and_duplicate_notifications_add_nothing(pipeline: Pipeline) -> None:
    p = pipeline
    backfill(p, 6)
    assert len(p.chunk_jobs()) == 2
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push")) == 0
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push", history_id=1)) == 0
    assert p.chunk_jobs() == []
    new = p.deliver(next(iter(stream(1, 99, p.mailbox)))[0])
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push")) == 1
    assert [j.ids for j in p.chunk_jobs()] == [[new]]


def test_two_emails_of_one_renter_racing_give_one_lead(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()
    p.pull("TOPIC_BATCHES")
    who = Renter("Ana", "Lopez", "2155550199", "ana.lopez@example.org")
    raws = [
        lead_email(src, who, random.Random(i), p.mailbox)
        for i, src in enumerate(("realtor", "apartments", "zillow", "rentmarketplace"))
    ]
    ids = [p.deliver(raw) for raw in raws]
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    jobs = [ChunkJob("b-race", f"c{i}", p.mailbox, [gid]) for i, gid in enumerate(ids)]
    p.pull("TOPIC_BATCHES")
    threads = [threading.Thread(target=process_chunk, args=(p.deps, job)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    leads = [d.to_dict() or {} for d in p.deps.db.collection("leads").stream()]
    assert len(leads) == 1 and leads[0]["inquiry_count"] == 4 == inquiries(p)
    assert Counter(outcomes(p).elements()) == Counter({"lead": 1, "merged": 3})


def test_gmail_faults_go_to_the_retry_list_and_the_sweep_completes(pipeline: Pipeline) -> None:
    p = pipeline
    backfill(p, 5)
    jobs = p.chunk_jobs()
    p.faults(rate_500=1.0)
    failed = process_chunk(p.deps, jobs[0])
    assert set(failed.values()) == {"failed"}
    p.faults(rate_500=0.0, rate_429=0.0)
    entries = list(p.deps.db.collection("retries").stream())
    assert len(entries) == 5 and {(e.to_dict() or {})["state"] for e in entries} == {"pending"}
    assert retry_due(p.deps) == 0  # not due yet: backoff
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.gmail_down_since is not None  # paused: an outage
    p.deps.accounts.update(p.mailbox, gmail_retry_at=utcnow() - timedelta(seconds=1))
    for entry in entries:
        entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
    assert retry_due(p.deps) == 5
    for job in p.chunk_jobs():
        assert job.trigger == "retry" and job.chunk_id == jobs[0].chunk_id
        process_chunk(p.deps, job)
    summary = p.deps.batches.summary(jobs[0].batch_id)
    assert summary is not None and (summary.succeeded, summary.failed) == (5, 0)
    states = {(e.to_dict() or {})["state"] for e in p.deps.db.collection("retries").stream()}
    assert states == {"resolved"}


def poisoned_chunk(p: Pipeline, seed: int) -> tuple[list[str], ChunkJob]:
    """A connected mailbox's new mail: one email Gmail refuses for itself (400
    invalidArgument on every get), then three leads, as one chunk (its ids and its job)."""
    p.connect()
    p.pull("TOPIC_BATCHES")
    poison = p.deliver(corpus_files()[3].read_bytes())
    p.faults(fail_ids=[poison], fail_status=400)
    ids = [poison] + [p.deliver(raw) for raw, _ in stream(3, seed, p.mailbox)]
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    return ids, p.chunk_jobs()[0]


def test_poison_email_is_retried_then_dead_and_the_rest_succeed(pipeline: Pipeline) -> None:
    p = pipeline
    ids, job = poisoned_chunk(p, 5)
    assert sorted(job.ids) == sorted(ids)  # the poison email and the three leads, one chunk
    for attempt in range(1, 4):
        result = process_chunk(p.deps, job)
        assert result[ids[0]] == ("dead" if attempt == 3 else "failed")
        assert {result[i] for i in ids[1:4]} <= {"lead", "merged"}
    entry = (
        p.deps.db.collection("retries")
        .document(f"{p.mailbox}:{ids[0]}:{job.batch_id}")
        .get()
        .to_dict()
    )
    assert entry is not None and entry["state"] == "dead" and entry["attempts"] == 3
    assert entry["error_class"] == "PermanentError"
    summary = p.deps.batches.summary(job.batch_id)
    assert summary is not None and (summary.dead, summary.succeeded) == (1, 3)
    assert summary.status == "completed_with_errors"


def test_revoked_token_parks_work_and_reconnect_resumes_it(pipeline: Pipeline) -> None:
    p = pipeline
    backfill(p, 8)
    jobs = p.chunk_jobs()
    requests.post(f"{p.fake.url}/_fake/revoke-all", json={"address": p.mailbox}, timeout=5)
    p.deps._creds.clear()  # a new instance: no cached access token
    result = process_chunk(p.deps, jobs[0])
    assert set(result.values()) == {"parked"}
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.state == "needs_reauth"
    assert set(process_chunk(p.deps, jobs[1]).values()) == {"parked"}  # no crash loop
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push")) == 0
    p.connect()  # re-consent: parked entries go back to processing
    requeued = p.chunk_jobs()
    assert sorted(i for j in requeued if j.trigger == "retry" for i in j.ids) == sorted(
        jobs[0].ids + jobs[1].ids
    )
    for job in requeued:
        process_chunk(p.deps, job)
    assert sum(outcomes(p).values()) == 8


def test_stale_history_id_falls_back_to_a_full_list(pipeline: Pipeline) -> None:
    p = pipeline
    backfill(p, 3)
    p.chunk_jobs()
    new = p.deliver(next(iter(stream(1, 42, p.mailbox)))[0])
    requests.post(f"{p.fake.url}/_fake/mailboxes/{p.mailbox}/expire-history", timeout=5)
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "push")) == 4
    assert new in [i for j in p.chunk_jobs() for i in j.ids]


def test_mail_arriving_while_the_label_is_listed_is_queued_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = pipeline
    ids = [p.deliver(raw) for raw, _ in stream(3, 12, p.mailbox)]
    p.connect()
    late: list[str] = []
    profile = GoogleGmail.profile

    def profile_then_mail(self: GoogleGmail) -> tuple[str, int]:
        answer = profile(self)  # the cursor is taken; an email lands before the listing
        if not late:
            late.append(p.deliver(next(iter(stream(1, 13, p.mailbox)))[0]))
        return answer

    monkeypatch.setattr(GoogleGmail, "profile", profile_then_mail)
    # the listing holds the late email and the follow-up round's history holds it again
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True)) == 4
    queued = [i for j in p.chunk_jobs() for i in j.ids]
    assert sorted(queued) == sorted(ids + late)


def test_cursor_only_moves_forward(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()
    start = p.deps.accounts.get(p.mailbox).history_id  # type: ignore[union-attr]
    assert p.deps.accounts.advance_cursor(p.mailbox, start - 5, utcnow()) is False
    assert p.deps.accounts.get(p.mailbox).history_id == start  # type: ignore[union-attr]
    assert p.deps.accounts.advance_cursor(p.mailbox, start + 5, utcnow()) is True


def test_two_syncs_at_once_queue_each_email_once(pipeline: Pipeline) -> None:
    p = pipeline
    backfill(p, 3)
    p.chunk_jobs()
    fresh = [p.deliver(raw) for raw, _ in stream(4, 8, p.mailbox)]
    errors: list[Exception] = []

    def run() -> None:
        try:
            sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
        except LockHeldError as exc:  # retryable: Pub/Sub redelivers it later
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))  # the redelivered one finds nothing new
    queued = [i for j in p.chunk_jobs() for i in j.ids]
    assert sorted(queued) == sorted(fresh)


def test_renew_watch_renews_and_queues_a_safety_net_sync(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()
    p.pull("TOPIC_SYNC")
    p.deps.accounts.update(p.mailbox, watch_expiration=utcnow())
    assert renew_watches(p.deps) == {"renewed": 1, "needs_reauth": 0, "failed": 0}
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.watch_expiration is not None
    assert account.watch_expiration > utcnow() + timedelta(days=6)
    assert [j["trigger"] for j in p.pull("TOPIC_SYNC")] == ["scheduled"]
    requests.post(f"{p.fake.url}/_fake/revoke-all", json={"address": p.mailbox}, timeout=5)
    p.deps._creds.clear()
    assert renew_watches(p.deps)["needs_reauth"] == 1
    assert p.deps.accounts.get(p.mailbox).state == "needs_reauth"  # type: ignore[union-attr]
    assert renew_watches(p.deps) == {"renewed": 0, "needs_reauth": 0, "failed": 0}


def test_emails_parked_after_the_reconnect_are_resumed_by_the_sweep(pipeline: Pipeline) -> None:
    """A chunk still running while its mailbox reconnects may park emails after the reconnect
    resumed the others: the next sweep resumes them, since the mailbox is connected."""
    p = pipeline
    backfill(p, 3)
    job = p.chunk_jobs()[0]
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.state == "connected"
    for gmail_id in job.ids:  # parked late, by work that began while the token was revoked
        failure = Failure(gmail_id, "InvalidGrantError", "mailbox needs re-consent")
        p.deps.retries.fail(
            p.mailbox, job.batch_id, job.chunk_id, failure, utcnow(), park=True, owner=account.owner
        )
    assert retry_due(p.deps) == 3
    [resumed] = p.chunk_jobs()
    assert sorted(resumed.ids) == sorted(job.ids) and resumed.trigger == "retry"
    states = {(e.to_dict() or {})["state"] for e in p.deps.db.collection("retries").stream()}
    assert states == {"pending"}


def test_a_failed_reparse_is_retried_as_a_reparse(pipeline: Pipeline) -> None:
    """It used to come back as a plain retry: processing saw the email's record, called it a
    duplicate, resolved the entry and kept the old parse."""
    p = pipeline
    ids = backfill(p, 1)
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    p.deps.db.collection("raw_emails").document(f"{p.mailbox}:{ids[0]}").delete()
    p.deps.db.collection("messages").document(f"{p.mailbox}:{ids[0]}").update(
        {"parser_version": "old"}
    )
    p.faults(rate_500=1.0)  # the raw email must be fetched again, and Gmail fails
    reparse = ChunkJob("reparse-x", "c00000", p.mailbox, ids, "reparse")
    assert process_chunk(p.deps, reparse) == {ids[0]: "failed"}
    p.faults(rate_500=0.0)
    [entry] = list(p.deps.db.collection("retries").stream())
    assert (entry.to_dict() or {})["trigger"] == "reparse"
    entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
    assert retry_due(p.deps) == 1
    [again] = p.chunk_jobs()
    assert again.trigger == "reparse"
    assert process_chunk(p.deps, again)[ids[0]] in ("lead", "merged")
    assert (entry.reference.get().to_dict() or {})["state"] == "resolved"
    record = p.deps.db.collection("messages").document(f"{p.mailbox}:{ids[0]}").get().to_dict()
    assert record is not None and record["parser_version"] != "old"  # re-parsed for real


def test_the_sweep_is_not_starved_by_a_disconnected_mailbox(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Older due entries of a mailbox that is not connected used to fill the sweep's page
    every time, so a connected mailbox's entry was never retried."""
    monkeypatch.setattr("shared.services.scheduled.retry.SWEEP_LIMIT", 10)
    p = pipeline
    ids = backfill(p, 1)
    long_ago = utcnow() - timedelta(days=1)
    for n in range(25):
        failure = Failure(f"g{n}", "GmailUnavailableError", "5xx")
        p.deps.retries.fail("gone@example.com", "b-gone", "c00000", failure, long_ago, owner="x")
    failure = Failure(ids[0], "GmailUnavailableError", "5xx")
    p.deps.retries.fail(p.mailbox, "b-live", "c00000", failure, utcnow(), owner="owner")
    for entry in p.deps.db.collection("retries").stream():
        at = long_ago if entry.id.startswith("gone") else utcnow() - timedelta(seconds=1)
        entry.reference.update({"next_attempt_at": at})
    p.chunk_jobs()  # the backfill's own chunk
    assert retry_due(p.deps) == 1
    assert [job.ids for job in p.chunk_jobs()] == [ids]
    gone = [d.to_dict() or {} for d in p.deps.db.collection("retries").stream()]
    assert sorted({e["state"] for e in gone if e["mailbox"] == "gone@example.com"}) == ["parked"]


def test_parked_work_of_a_gone_mailbox_never_starves_a_connected_one(pipeline: Pipeline) -> None:
    """1,000 parked entries of a disconnected mailbox filled the sweep's one page of parked
    entries: three sweeps requeued nothing, the connected mailbox's entry stayed parked."""
    p = pipeline
    ids = backfill(p, 1)
    p.chunk_jobs()
    writer = p.deps.db.bulk_writer()
    for n in range(1_000):  # "aaa…" sorts before the test's own mailbox
        doc = p.deps.db.collection("retries").document(f"aaa-gone@example.com:g{n}:b-gone")
        entry = {"mailbox": "aaa-gone@example.com", "message_id": f"g{n}", "batch_id": "b-gone"}
        writer.set(doc, {**entry, "chunk_id": "c00000", "state": "parked", "attempts": 1})
    writer.close()
    failure = Failure(ids[0], "GmailUnavailableError", "5xx")
    p.deps.retries.fail(p.mailbox, "b-live", "c00000", failure, utcnow(), owner="owner")
    p.deps.db.collection("retries").document(f"{p.mailbox}:{ids[0]}:b-live").update(
        {"state": "parked"}
    )
    with counting() as ops:
        assert retry_due(p.deps) == 1  # the first sweep
    assert [job.ids for job in p.chunk_jobs()] == [ids]
    assert ops.reads < 30  # a read per mailbox with parked work, not per parked entry


def test_an_email_over_the_fetch_bound_is_read_in_parts(pipeline: Pipeline) -> None:
    """Gmail's size search names it before the batch is queued: it goes to a chunk of its
    own, read ``format=full`` (no process holds it whole); the others are processed as
    usual, and the batch counts all three."""
    p = pipeline
    p.connect()
    p.pull("TOPIC_BATCHES")
    p.faults(enforce_quota=False)
    huge = corpus_files()[2].read_bytes() + b"\n" + b"y" * (p.deps.settings.email_max_bytes + 1)
    ids = [p.deliver(huge)] + [p.deliver(raw) for raw, _ in stream(2, 9, p.mailbox)]
    requests.post(f"{p.fake.url}/_fake/stats/reset", timeout=5)
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    jobs = {j.chunk_id: j for j in p.chunk_jobs()}
    assert {k: j.ids for k, j in jobs.items()} == {"c00000": ids[1:], "f00000": ids[:1]}
    outcomes = {k: v for j in jobs.values() for k, v in process_chunk(p.deps, j).items()}
    assert {outcomes[i] for i in ids[1:]} <= {"lead", "merged"} and len(outcomes) == 3
    job = jobs["f00000"]
    record = p.deps.leads.existing(p.mailbox, [ids[0]])[ids[0]]
    assert record.batch_id == job.batch_id
    stats = requests.get(f"{p.fake.url}/_fake/stats", timeout=5).json()
    assert (stats["read.raw"], stats["read.full"]) == (2, 1)  # the big one in parts
    assert sum(p.deps.batches.summary(job.batch_id).counts.values()) == 3  # type: ignore[union-attr]


def test_an_email_gmail_keeps_throttling_is_never_given_up_on(pipeline: Pipeline) -> None:
    """Every part of every fetch answered 429 (RETRY_MAX_ATTEMPTS is 3 here): the email
    waits in the retry list with no attempt counted, however often it is tried."""
    p = pipeline
    ids = backfill(p, 1)
    p.faults(rate_429=1.0, fail_methods=["messages.get"])
    job = p.chunk_jobs()[0]
    for _ in range(4):
        assert process_chunk(p.deps, job)[ids[0]] == "failed"
        for entry in p.deps.db.collection("retries").stream():
            entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
        assert retry_due(p.deps) == 1
        [job] = p.chunk_jobs()
    [entry] = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert (entry["state"], entry["attempts"]) == ("pending", 0)
    p.faults(rate_429=0.0, fail_methods=[])
    assert process_chunk(p.deps, job)[ids[0]] in ("lead", "merged", "not_lead")


def test_a_spent_daily_limit_holds_the_mailbox_until_pacific_midnight(pipeline: Pipeline) -> None:
    """403 dailyLimitExceeded: the mailbox is held until Google's quota day restarts, its
    emails wait in the retry list for then, and no attempt is counted."""
    p = pipeline
    ids = backfill(p, 2)
    p.faults(daily_limit=True)
    job = p.chunk_jobs()[0]
    outcomes = process_chunk(p.deps, job)
    assert {outcomes[i] for i in ids} == {"failed"}
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.gmail_retry_at is not None
    assert account.gmail_retry_at == quota_day_end(utcnow())
    entries = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert {(e["attempts"], e["next_attempt_at"] >= account.gmail_retry_at) for e in entries} == {
        (0, True)
    }
    p.faults(daily_limit=False)
