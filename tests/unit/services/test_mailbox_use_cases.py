"""Syncs, audits, health, holds, disconnect and re-parse on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import (
    GmailRateLimitError,
    InvalidGrantError,
    LeadHarvestError,
    MailboxBlockedError,
    NotFoundError,
)
from shared.events import ChunkJob, SyncJob
from shared.records import AuditReport, Failure
from shared.services.ingest.process import process_chunk
from shared.services.ingest.reparse import reparse_chunk
from shared.services.mailbox import disconnect as disconnect_module
from shared.services.mailbox.disconnect import disconnect
from shared.services.mailbox.gmail_access import held_until, hold, latest_retry_at, wait_for_gmail
from shared.services.mailbox.health import mailbox_health
from shared.services.mailbox.sync import sync_mailbox
from shared.services.scheduled.audit import audit_mailbox
from tests.fakes.deps import LABEL, MAILBOX, OWNER, Deps, account
from tests.golden import golden
from tests.unit.services.conftest import NOT_A_LEAD, leads

NOW = datetime.now(UTC)


# --- sync -----------------------------------------------------------------------------


def test_a_push_sync_queues_new_mail_on_the_live_lane_and_moves_the_cursor(deps: Deps) -> None:
    ids = leads(deps, 3)
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 3
    [(topic, job)] = deps.publisher.jobs
    assert topic == "live" and isinstance(job, ChunkJob) and sorted(job.ids) == sorted(ids)
    assert deps.accounts.rows[MAILBOX].history_id == deps.gmail.history_id


def test_a_second_sync_of_the_same_mail_queues_nothing(deps: Deps) -> None:
    leads(deps, 2)
    sync_mailbox(deps, SyncJob(MAILBOX, "push"))
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 0


def test_mail_outside_the_label_is_not_queued(deps: Deps) -> None:
    deps.gmail.add(NOT_A_LEAD, "INBOX")
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 0 and deps.publisher.jobs == []


def test_a_stale_cursor_lists_the_whole_label(deps: Deps) -> None:
    ids = leads(deps, 4)
    deps.gmail.min_history_id = 10_000
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 4
    assert sorted(deps.publisher.chunks()[0].ids) == sorted(ids)


def test_a_backfill_lists_the_label_oldest_first_on_the_bulk_lane(deps: Deps) -> None:
    ids = leads(deps, 7)
    assert sync_mailbox(deps, SyncJob(MAILBOX, "backfill", full=True)) == 7
    jobs = deps.publisher.chunks()
    assert [i for j in jobs for i in j.ids] == ids and {j.trigger for j in jobs} == {"backfill"}


def test_a_sync_sends_oversized_mail_to_a_chunk_fetched_in_parts(deps: Deps) -> None:
    small = leads(deps, 1)
    big = deps.gmail.add(NOT_A_LEAD + b"q" * (deps.settings.email_max_bytes + 1), LABEL)
    sync_mailbox(deps, SyncJob(MAILBOX, "push"))
    assert {j.chunk_id: j.ids for j in deps.publisher.chunks()} == {
        "c00000": small,
        "f00000": [big],
    }
    assert deps.gmail.calls["search.larger"] == 1


def test_a_sync_that_finds_nothing_does_not_search_sizes(deps: Deps) -> None:
    sync_mailbox(deps, SyncJob(MAILBOX, "push"))
    assert "search.larger" not in deps.gmail.calls


@pytest.mark.parametrize("state", ["needs_reauth", "disconnected", "disconnecting"])
def test_a_mailbox_that_is_not_connected_is_not_synced(deps: Deps, state: str) -> None:
    deps.accounts.save(account(state=state))
    leads(deps, 2)
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 0 and deps.gmail.calls == {}


def test_a_blocked_mailbox_that_answers_again_is_connected(deps: Deps) -> None:
    deps.accounts.save(account(state="blocked", reason="domain policy"))
    leads(deps, 1)
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 1
    assert deps.accounts.rows[MAILBOX].state == "connected"


def test_a_revoked_token_during_a_sync_marks_the_mailbox(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    def revoked(start: int, label_id: str) -> tuple[list[str], int]:
        raise InvalidGrantError("revoked")

    monkeypatch.setattr(deps.gmail, "history_ids", revoked)
    assert sync_mailbox(deps, SyncJob(MAILBOX, "push")) == 0
    assert deps.accounts.rows[MAILBOX].state == "needs_reauth"


def test_a_policy_during_a_sync_blocks_the_mailbox(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blocked(start: int, label_id: str) -> tuple[list[str], int]:
        raise MailboxBlockedError("domain policy")

    monkeypatch.setattr(deps.gmail, "history_ids", blocked)
    sync_mailbox(deps, SyncJob(MAILBOX, "push"))
    assert deps.accounts.rows[MAILBOX].state == "blocked"


def test_a_rate_limited_sync_holds_the_mailbox_and_comes_back(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = NOW + timedelta(minutes=30)

    def limited(start: int, label_id: str) -> tuple[list[str], int]:
        raise GmailRateLimitError("429", retry_at=later)

    monkeypatch.setattr(deps.gmail, "history_ids", limited)
    with pytest.raises(GmailRateLimitError):
        sync_mailbox(deps, SyncJob(MAILBOX, "push"))
    assert deps.accounts.rows[MAILBOX].gmail_retry_at == later


# --- audit ----------------------------------------------------------------------------


def _processed(deps: Deps, ids: list[str]) -> None:
    process_chunk(deps, ChunkJob("b0", "c00000", MAILBOX, ids, "backfill"))


def test_an_audit_whose_counts_agree_compares_nothing_until_a_day_passed(deps: Deps) -> None:
    ids = leads(deps, 4)
    _processed(deps, ids)
    deps.accounts.record_audit(MAILBOX, AuditReport(full_at=NOW))
    report = audit_mailbox(deps, deps.accounts.get(MAILBOX), deps.gmail)  # type: ignore[arg-type]
    assert (report.full, report.missing, report.recorded) == (False, 0, 4)
    assert "messages.list" not in deps.gmail.calls


def test_an_audit_queues_mail_without_a_record(deps: Deps) -> None:
    ids = leads(deps, 5)
    _processed(deps, ids[:3])
    report = audit_mailbox(deps, deps.accounts.get(MAILBOX), deps.gmail)  # type: ignore[arg-type]
    assert (report.missing, report.queued) == (2, 2)
    [job] = deps.publisher.chunks()
    assert job.ids == ids[3:] and job.trigger == "audit"
    assert deps.accounts.rows[MAILBOX].audit == report


def test_mail_waiting_in_the_retry_list_or_an_open_batch_is_not_missing(deps: Deps) -> None:
    ids = leads(deps, 3)
    deps.retries.fail(MAILBOX, "b1", "c00000", Failure(ids[0], "X", "y"), NOW, owner=OWNER)
    deps.batches.create("open", MAILBOX, "push", {"c00000": [ids[1]]}, NOW, OWNER)
    report = audit_mailbox(deps, deps.accounts.get(MAILBOX), deps.gmail)  # type: ignore[arg-type]
    assert report.missing == 1
    assert deps.publisher.chunks()[0].ids == [ids[2]]


def test_the_first_audit_compares_everything(deps: Deps) -> None:
    ids = leads(deps, 2)
    _processed(deps, ids)
    report = audit_mailbox(deps, deps.accounts.get(MAILBOX), deps.gmail)  # type: ignore[arg-type]
    assert report.full is True and report.missing == 0 and deps.publisher.jobs == []


# --- health ---------------------------------------------------------------------------


def _healthy(**fields: object) -> dict[str, object]:
    return {"watch_expiration": NOW + timedelta(days=5), "last_sync_at": NOW, **fields}


@pytest.mark.parametrize(
    ("fields", "health", "reasons"),
    [
        ({}, "ok", []),
        ({"state": "needs_reauth"}, "broken", ["needs_reauth"]),
        ({"state": "blocked"}, "broken", ["blocked"]),
        ({"state": "disconnected"}, "broken", ["not_connected"]),
        ({"watch_expiration": NOW - timedelta(hours=1)}, "broken", ["watch_expired"]),
        ({"watch_expiration": NOW + timedelta(hours=3)}, "degraded", ["watch_expiring"]),
        ({"last_sync_at": NOW - timedelta(hours=2)}, "broken", ["sync_stale"]),
        ({"audit": AuditReport(missing=3)}, "degraded", ["audit_missing"]),
    ],
)
def test_health_says_what_is_wrong(
    deps: Deps, fields: dict[str, object], health: str, reasons: list[str]
) -> None:
    assert mailbox_health(deps, account(**_healthy(**fields))) == (health, reasons)


def test_dead_emails_make_a_mailbox_degraded(deps: Deps) -> None:
    for _ in range(3):
        deps.retries.fail(MAILBOX, "b", "c", Failure("a", "X", "y"), NOW, owner=OWNER)
    assert mailbox_health(deps, account(**_healthy())) == ("degraded", ["dead_emails"])


# --- holds ----------------------------------------------------------------------------


def test_a_hold_is_kept_on_the_account_and_only_moves_later(deps: Deps) -> None:
    acc = account()
    soon, later = NOW + timedelta(minutes=1), NOW + timedelta(minutes=9)
    hold(deps, acc, [GmailRateLimitError("x", retry_at=later)])
    hold(deps, acc, [GmailRateLimitError("x", retry_at=soon)])
    assert deps.accounts.rows[MAILBOX].gmail_retry_at == later == held_until(acc)


def test_the_latest_retry_after_wins(deps: Deps) -> None:
    errors: list[LeadHarvestError] = [
        GmailRateLimitError("a", retry_at=NOW + timedelta(seconds=s)) for s in (5, 50, 20)
    ]
    assert latest_retry_at([*errors, InvalidGrantError("x")]) == NOW + timedelta(seconds=50)
    assert latest_retry_at([]) is None


def test_a_short_hold_is_slept_through_and_a_long_one_raises() -> None:
    wait_for_gmail(account(gmail_retry_at=datetime.now(UTC) + timedelta(seconds=2)))
    with pytest.raises(GmailRateLimitError):
        wait_for_gmail(account(gmail_retry_at=datetime.now(UTC) + timedelta(minutes=5)))
    assert held_until(account(gmail_retry_at=NOW - timedelta(seconds=1))) is None


# --- disconnect -----------------------------------------------------------------------


def test_disconnect_stops_revokes_and_deletes_before_saying_disconnected(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    revoked: list[str] = []

    def revoke(uri: str, token: str) -> bool:
        revoked.append(token)
        return True

    monkeypatch.setattr(disconnect_module, "revoke_grant", revoke)
    deps.secrets.values["gmail-refresh-x"] = "1//refresh"
    done = disconnect(deps, account())
    assert done == {"watchStopped": True, "tokenRevoked": True, "secretDeleted": True}
    assert revoked == ["1//refresh"] and deps.secrets.values == {}
    assert deps.accounts.rows[MAILBOX].state == "disconnected" and deps.forgotten == [MAILBOX]


def test_a_secret_that_cannot_be_deleted_leaves_the_mailbox_disconnecting(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disconnect_module, "revoke_grant", lambda uri, t: True)

    def refuse(name: str) -> None:
        raise LeadHarvestError("secret manager down")

    monkeypatch.setattr(deps.secrets, "delete", refuse)
    with pytest.raises(LeadHarvestError):
        disconnect(deps, account())
    row = deps.accounts.rows[MAILBOX]
    assert row.state == "disconnecting" and "disconnect again" in (row.reason or "")


# --- re-parse -------------------------------------------------------------------------


def test_a_reparse_reads_the_kept_raw_email_without_gmail(deps: Deps) -> None:
    ids = leads(deps, 2)
    _processed(deps, ids)
    reads = deps.gmail.calls["read.raw"]
    job = ChunkJob("rp", "c00000", MAILBOX, ids, "reparse")
    assert set(reparse_chunk(deps, job).values()) <= {"lead", "merged"}
    assert deps.gmail.calls["read.raw"] == reads
    assert {r["batch_id"] for r in deps.leads.records.values()} == {"rp"}


def test_a_reparse_fetches_again_what_was_not_kept(deps: Deps) -> None:
    ids = leads(deps, 1)
    _processed(deps, ids)
    deps.leads.raws.clear()
    reparse_chunk(deps, ChunkJob("rp", "c00000", MAILBOX, ids, "reparse"))
    assert deps.gmail.calls["read.raw"] == 2


def test_a_reparse_of_mail_gone_from_gmail_fails_as_a_reparse(deps: Deps) -> None:
    ids = leads(deps, 1)
    _processed(deps, ids)
    deps.leads.raws.clear()
    del deps.gmail.messages[ids[0]]
    assert reparse_chunk(deps, ChunkJob("rp", "c00000", MAILBOX, ids, "reparse")) == {
        ids[0]: "failed"
    }
    [entry] = deps.retries.rows.values()
    assert entry["trigger"] == "reparse"


def test_a_person_s_correction_is_the_truth_at_every_reparse(deps: Deps) -> None:
    voicemail = golden("world-nonlead-google-voice-voicemail").read_bytes()
    [gid] = [deps.gmail.add(voicemail, LABEL)]
    _processed(deps, [gid])
    assert deps.leads.existing(MAILBOX, [gid])[gid].outcome == "not_lead"
    with pytest.raises(NotFoundError):
        deps.leads.correct(MAILBOX, gid, "someone-else", "lead", NOW)  # not their email
    assert deps.leads.existing(MAILBOX, [gid])[gid].correction is None
    uncorrected = ChunkJob("rp0", "c00000", MAILBOX, [gid], "reparse")
    assert reparse_chunk(deps, uncorrected) == {gid: "not_lead"}
    deps.leads.correct(MAILBOX, gid, OWNER, "lead", NOW)
    job = ChunkJob("rp1", "c00000", MAILBOX, [gid], "reparse")
    assert reparse_chunk(deps, job) == {gid: "lead"}
    first = deps.leads.existing(MAILBOX, [gid])[gid]
    assert (first.correction, first.batch_id, first.lead_id is not None) == ("lead", "rp1", True)
    reparse_chunk(deps, ChunkJob("rp2", "c00000", MAILBOX, [gid], "reparse"))
    again = deps.leads.existing(MAILBOX, [gid])[gid]
    assert (again.correction, again.batch_id, again.lead_id) == ("lead", "rp2", first.lead_id)
