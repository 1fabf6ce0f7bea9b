"""Gmail's word respected, on the emulators and the fake Google: ``Retry-After`` holds the
whole mailbox, a Workspace policy blocks it until a sync works, the audit finds mail the
syncs never saw, and a batch stuck without progress is sent again."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import requests

from infra.local.mailgen import stream
from shared.clock import micros, utcnow
from shared.errors import GmailRateLimitError
from shared.events import SyncJob
from shared.records import Account
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from shared.services.scheduled.retry import STUCK_AFTER, retry_due
from shared.services.scheduled.tasks import audit_all, safety_net
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_api import auth
from tests.integration.pipeline.test_entry_auth import client


def fresh_outcomes(p: Pipeline, n: int, seed: int = 51) -> Counter[str]:
    """What ``_connected``'s emails become, processed once: a lead per renter, the rest
    merged into it."""
    renters = len({who for _, who in stream(n, seed, p.mailbox)})
    return Counter({"lead": renters, "merged": n - renters}) - Counter()


def _connected(p: Pipeline, n: int, seed: int = 51) -> list[str]:
    ids = [p.deliver(raw) for raw, _ in stream(n, seed, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    return ids


def _account(p: Pipeline) -> Account:
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    return account


def _gets(p: Pipeline) -> int:
    stats = requests.get(f"{p.fake.url}/_fake/stats", timeout=5).json()
    return int(stats.get("calls.messages.get", 0))


def _drain(p: Pipeline) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    for job in p.chunk_jobs():
        outcomes.update(process_chunk(p.deps, job))
    return outcomes


def test_retry_after_holds_the_whole_mailbox(pipeline: Pipeline) -> None:
    p = pipeline
    ids = _connected(p, 4)
    jobs = p.chunk_jobs()
    p.faults(rate_429=1.0, retry_after_s=600, fail_methods=["messages.get"])
    assert set(process_chunk(p.deps, jobs[0]).values()) == {"failed"}
    held = _account(p).gmail_retry_at
    assert held is not None and timedelta(minutes=9) < held - utcnow() <= timedelta(minutes=10)
    entries = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert entries and all(e["next_attempt_at"] >= held for e in entries)  # not before
    p.faults(rate_429=0.0, retry_after_s=0, fail_methods=[])
    before = _gets(p)
    assert set(process_chunk(p.deps, jobs[-1]).values()) == {"failed"}  # held: no call
    assert _gets(p) == before
    with pytest.raises(GmailRateLimitError):  # a sync waits too (Pub/Sub redelivers it)
        sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    p.deps.accounts.update(p.mailbox, gmail_retry_at=utcnow() - timedelta(seconds=1))
    for entry in p.deps.db.collection("retries").stream():
        entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
    assert retry_due(p.deps) == len(ids)
    assert set(_drain(p).values()) <= {"lead", "merged"}


def test_a_workspace_policy_blocks_the_mailbox_until_a_sync_works(
    pipeline: Pipeline,
) -> None:
    p = pipeline
    ids = _connected(p, 3)
    p.faults(blocked_reason="domainPolicy", fail_methods=[])
    assert set(_drain(p).values()) == {"parked"}
    account = _account(p)
    assert account.state == "blocked" and "disabled Gmail apps" in str(account.reason)
    status = client("api").get("/gmail/status", headers=auth(p)).get_json()
    assert status["state"] == "blocked" and status["health"] == "broken"
    assert "blocked" in status["reasons"]
    assert safety_net(p.deps) == {"synced": 1}  # a blocked mailbox is still looked at
    job = SyncJob(p.mailbox, "scheduled")
    assert sync_mailbox(p.deps, job) == 0 and _account(p).state == "blocked"
    p.faults(blocked_reason="")
    sync_mailbox(p.deps, job)
    assert _account(p).state == "connected"
    assert retry_due(p.deps) == len(ids)  # the sweep resumes what was parked
    assert set(_drain(p).values()) <= {"lead", "merged"}


@pytest.mark.parametrize("refusal", ["invalid_client", "unauthorized_client"])
def test_a_refused_oauth_client_is_misconfigured_and_nothing_dies(
    pipeline: Pipeline, refusal: str
) -> None:
    """After a client secret rotation Google refuses the deployment's OAuth client: it was
    "Gmail unavailable", retried until every email died, blaming Gmail."""
    p = pipeline
    ids = _connected(p, 3)
    p.deps.forget_gmail(_account(p))  # the next call refreshes its access token
    p.faults(token_error=refusal)
    assert set(_drain(p).values()) == {"parked"}
    account = _account(p)
    assert account.state == "blocked" and str(account.reason).startswith("misconfigured:")
    assert refusal in str(account.reason)
    status = client("api").get("/gmail/status", headers=auth(p)).get_json()
    assert (status["health"], status["reasons"]) == ("broken", ["misconfigured"])
    assert p.deps.retries.count(p.mailbox, "dead") == 0
    p.faults(token_error="")  # the operator fixed the secret: the next sync finds it so
    sync_mailbox(p.deps, SyncJob(p.mailbox, "scheduled"))
    assert _account(p).state == "connected"
    assert retry_due(p.deps) == len(ids)
    assert Counter(_drain(p).values()) == fresh_outcomes(p, 3)


def test_the_audit_finds_mail_no_sync_saw(pipeline: Pipeline) -> None:
    p = pipeline
    _connected(p, 2)
    _drain(p)
    lost = [p.deliver(raw) for raw, _ in stream(3, 52, p.mailbox)]  # no notifications
    requests.post(f"{p.fake.url}/_fake/mailboxes/{p.mailbox}/wipe-history", timeout=5)
    assert sync_mailbox(p.deps, SyncJob(p.mailbox, "scheduled")) == 0  # history shows nothing
    assert audit_all(p.deps) == {"audits": 1}
    [job] = [SyncJob(**m) for m in p.pull("TOPIC_SYNC") if m["trigger"] == "audit"]
    assert sync_mailbox(p.deps, job) == 3
    report = _account(p).audit
    assert report is not None
    assert (report.label_total, report.recorded, report.missing) == (5, 2, 3)
    outcomes = _drain(p)
    assert sorted(outcomes) == sorted(lost) and set(outcomes.values()) <= {"lead", "merged"}
    batch = p.deps.batches.summary(str(report.batch_id))
    assert batch is not None and batch.trigger == "audit" and batch.status == "completed"
    sync_mailbox(p.deps, job)
    again = _account(p).audit
    assert again is not None
    assert (again.missing, again.queued, again.recorded) == (0, 0, 5)


def test_a_batch_stuck_without_progress_is_sent_again(pipeline: Pipeline) -> None:
    p = pipeline
    ids = _connected(p, 7)
    jobs = p.chunk_jobs()  # pulled: as if the messages were lost
    process_chunk(p.deps, jobs[0])
    assert retry_due(p.deps) == 0  # in progress: not stuck yet
    long_ago = utcnow() - STUCK_AFTER - timedelta(minutes=1)
    batch = p.deps.db.collection("batches").document(jobs[0].batch_id)
    batch.update({"progress_us": micros(long_ago)})  # its last progress, long ago
    assert retry_due(p.deps) == len(ids) - len(jobs[0].ids)
    # the sweep found it: health says so (one count, no chunk read) until it progresses
    status: dict[str, Any] = client("api").get("/gmail/status", headers=auth(p)).get_json()
    assert "stuck_batches" in status["reasons"] and status["health"] == "degraded"
    again = p.chunk_jobs()
    assert {i for j in again for i in j.ids} == {i for j in jobs[1:] for i in j.ids}
    for job in again:
        process_chunk(p.deps, job)
    summary = p.deps.batches.summary(jobs[0].batch_id)
    assert summary is not None and summary.status == "completed"
