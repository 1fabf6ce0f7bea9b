"""Processing a chunk on in-memory fakes: outcomes, idempotency, failures and holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import (
    GmailRateLimitError,
    GmailUnavailableError,
    InvalidGrantError,
    MailboxBlockedError,
    PermanentError,
)
from shared.events import ChunkJob
from shared.services.ingest.fetch import FETCH_ROUNDS
from shared.services.ingest.process import process_chunk
from tests.fakes.deps import LABEL, MAILBOX, OWNER, Deps, account, settings
from tests.unit.services.conftest import NOT_A_LEAD, leads


def job(ids: list[str], trigger: str = "push", batch: str = "b1", **kw: object) -> ChunkJob:
    return ChunkJob(batch, "c00000", MAILBOX, ids, trigger, **kw)  # type: ignore[arg-type]


def always(error: Exception) -> object:
    return lambda _n: error


def test_new_lead_mail_becomes_leads_and_the_batch_counts_it(deps: Deps) -> None:
    ids = leads(deps, 5)
    deps.batches.create("b1", MAILBOX, "push", {"c00000": ids}, datetime.now(UTC), OWNER)
    outcomes = process_chunk(deps, job(ids))
    assert set(outcomes) == set(ids) and set(outcomes.values()) <= {"lead", "merged"}
    summary = deps.batches.summary("b1")
    assert summary is not None and sum(summary.counts.values()) == 5 and summary.failed == 0
    assert all(r["owner"] == OWNER for r in deps.leads.records.values())


def test_a_renter_writing_twice_is_one_lead(deps: Deps) -> None:
    ids = leads(deps, 30, seed=4)
    outcomes = process_chunk(deps, job(ids))
    merged = sum(1 for o in outcomes.values() if o == "merged")
    assert merged > 0 and len(deps.leads.leads) == 30 - merged


def test_a_redelivered_chunk_changes_nothing(deps: Deps) -> None:
    ids = leads(deps, 5)
    first = process_chunk(deps, job(ids))
    reads = deps.gmail.calls["read.raw"]
    again = process_chunk(deps, job(ids))
    assert again == first
    assert deps.gmail.calls["read.raw"] == reads  # recorded emails are not fetched again
    assert len(deps.leads.records) == 5


def test_an_email_another_batch_recorded_is_a_duplicate(deps: Deps) -> None:
    ids = leads(deps, 3)
    process_chunk(deps, job(ids, batch="first"))
    assert set(process_chunk(deps, job(ids, batch="second")).values()) == {"duplicate"}


def test_a_non_lead_is_recorded_as_such(deps: Deps) -> None:
    other = deps.gmail.add(NOT_A_LEAD, LABEL)
    assert process_chunk(deps, job([other])) == {other: "not_lead"}
    assert deps.leads.records[(MAILBOX, other)]["lead_id"] is None


def test_a_chunk_of_an_unknown_mailbox_is_dropped(deps: Deps) -> None:
    deps.accounts.rows.clear()
    assert process_chunk(deps, job(["m0001"])) == {}
    assert deps.gmail.calls == {}


@pytest.mark.parametrize("state", ["needs_reauth", "blocked", "disconnected"])
def test_work_of_an_unreachable_mailbox_is_parked_unread(deps: Deps, state: str) -> None:
    deps.accounts.save(account(state=state))
    ids = leads(deps, 3)
    assert set(process_chunk(deps, job(ids)).values()) == {"parked"}
    assert "read.raw" not in deps.gmail.calls
    assert {r["state"] for r in deps.retries.rows.values()} == {"parked"}
    assert {r["attempts"] for r in deps.retries.rows.values()} == {0}


def test_a_revoked_token_marks_the_mailbox_and_parks_its_work(deps: Deps) -> None:
    ids = leads(deps, 3)
    deps.gmail.fail = {i: always(InvalidGrantError("revoked")) for i in ids}  # type: ignore[misc]
    assert set(process_chunk(deps, job(ids)).values()) == {"parked"}
    assert deps.accounts.rows[MAILBOX].state == "needs_reauth"
    assert deps.forgotten == [MAILBOX]


def test_a_workspace_policy_blocks_the_mailbox_and_parks_its_work(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.gmail.fail = {ids[0]: always(MailboxBlockedError("domain policy"))}  # type: ignore[dict-item]
    assert set(process_chunk(deps, job(ids)).values()) == {"parked"}
    row = deps.accounts.rows[MAILBOX]
    assert (row.state, row.reason) == ("blocked", "domain policy")


def test_one_email_gmail_keeps_failing_fails_alone_and_counts_an_attempt(deps: Deps) -> None:
    ids = leads(deps, 4)
    deps.gmail.fail = {ids[1]: always(GmailUnavailableError("500"))}  # type: ignore[dict-item]
    outcomes = process_chunk(deps, job(ids))
    assert outcomes[ids[1]] == "failed"
    assert {outcomes[i] for i in ids if i != ids[1]} <= {"lead", "merged"}
    [entry] = deps.retries.rows.values()
    assert (entry["state"], entry["attempts"], entry["message_id"]) == ("pending", 1, ids[1])
    assert deps.gmail.calls[f"get:{ids[1]}"] == FETCH_ROUNDS  # asked again in each round


def test_an_email_throttled_twice_is_read_in_a_later_round(deps: Deps) -> None:
    ids = leads(deps, 3)
    flaky = {ids[0]: lambda n: GmailRateLimitError("429") if n <= 2 else None}
    deps.gmail.fail = flaky  # type: ignore[assignment]
    assert set(process_chunk(deps, job(ids)).values()) <= {"lead", "merged"}
    assert deps.retries.rows == {}


def test_an_email_always_throttled_waits_without_an_attempt(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.gmail.fail = {ids[0]: always(GmailRateLimitError("429"))}  # type: ignore[dict-item]
    for _ in range(6):  # twice the attempts that make an email dead
        assert process_chunk(deps, job(ids, trigger="retry"))[ids[0]] == "failed"
    [entry] = deps.retries.rows.values()
    assert (entry["state"], entry["attempts"]) == ("pending", 0)


def test_gmails_retry_after_holds_the_mailbox_and_the_list_waits_for_it(deps: Deps) -> None:
    ids = leads(deps, 7)
    later = datetime.now(UTC) + timedelta(minutes=20)
    deps.gmail.fail = {ids[0]: always(GmailRateLimitError("429", retry_at=later))}  # type: ignore[dict-item]
    outcomes = process_chunk(deps, job(ids))
    assert deps.accounts.rows[MAILBOX].gmail_retry_at == later
    waiting = [r for r in deps.retries.rows.values() if r["state"] == "pending"]
    assert waiting and all(r["next_attempt_at"] >= later for r in waiting)
    assert all(r["attempts"] == 0 for r in waiting)
    assert {outcomes[r["message_id"]] for r in waiting} == {"failed"}
    assert "read.raw" in deps.gmail.calls and len(deps.gmail.requests) == 1  # the rest wait


def test_a_held_mailbox_makes_no_gmail_call(deps: Deps) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    deps.accounts.save(account(gmail_retry_at=later))
    ids = leads(deps, 3)
    assert set(process_chunk(deps, job(ids)).values()) == {"failed"}
    assert "read.raw" not in deps.gmail.calls
    assert all(r["next_attempt_at"] >= later for r in deps.retries.rows.values())


def test_an_email_deleted_in_gmail_is_gone_without_a_retry(deps: Deps) -> None:
    ids = leads(deps, 2)
    del deps.gmail.messages[ids[0]]
    assert process_chunk(deps, job(ids))[ids[0]] == "gone"
    assert deps.retries.rows == {}


def test_an_email_gmail_refuses_for_itself_is_dead_after_its_last_attempt(deps: Deps) -> None:
    poison = deps.gmail.add(NOT_A_LEAD, LABEL)
    deps.gmail.fail[poison] = lambda _: PermanentError("Gmail answered 400 invalidArgument")
    states = [process_chunk(deps, job([poison], trigger="retry"))[poison] for _ in range(3)]
    assert states == ["failed", "failed", "dead"]  # RETRY_MAX_ATTEMPTS is 3 here
    [entry] = deps.retries.rows.values()
    assert entry["error_class"] == "PermanentError"


def test_mail_the_parser_cannot_read_is_unrecognised_not_failed(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    """A 2,000-deep message/rfc822 nest in bare-CR lines once raised RecursionError, and
    the email died after its attempts (an alert anyone could send)."""
    nest = "".join(
        "Content-Type: message/rfc822\r\rFrom: x@example.com\rSubject: s\r" for _ in range(2_000)
    )
    raw = f"From: a@example.com\rSubject: deep\r{nest}Content-Type: text/plain\r\rhi\r".encode()
    deep = deps.gmail.add(raw, LABEL)
    assert process_chunk(deps, job([deep]))[deep] == "not_lead"
    record = deps.leads.records[(MAILBOX, deep)]
    assert (record["review_reasons"], record["limits_hit"]) == (["unrecognised"], ["parts"])
    assert deps.retries.rows == {}
    assert [r.message for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []


def test_mail_over_the_size_setting_is_unrecognised_not_failed(deps: Deps) -> None:
    deps.settings = settings(EMAIL_MAX_BYTES="4000")
    huge = deps.gmail.add(NOT_A_LEAD + b"x" * 4_000, LABEL)
    assert process_chunk(deps, job([huge]))[huge] == "not_lead"
    record = deps.leads.records[(MAILBOX, huge)]
    assert (record["review_reasons"], record["limits_hit"]) == (["unrecognised"], ["email_bytes"])
    assert deps.retries.rows == {}


def test_each_gmail_request_is_one_quota_block(deps: Deps) -> None:
    ids = leads(deps, 12)
    process_chunk(deps, job(ids))
    assert [len(r) for r in deps.gmail.requests] == [5, 5, 2]
    assert deps.quota.asked == [(MAILBOX, 25), (MAILBOX, 25), (MAILBOX, 10)]
    assert deps.fetch_budget.free == deps.fetch_budget.total  # every request gave it back


def test_chosen_ids_outside_the_label_are_gone_and_never_read(deps: Deps) -> None:
    inside = leads(deps, 2)
    private = deps.gmail.add(NOT_A_LEAD, "INBOX")
    outcomes = process_chunk(deps, job([*inside, private], trigger="manual"))
    assert outcomes[private] == "gone"
    assert deps.gmail.calls["read.raw"] == 2 and deps.gmail.calls["read.minimal"] == 3
    assert (MAILBOX, private) not in deps.leads.records


def test_a_retry_resolves_the_entries_of_what_it_processed(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.gmail.fail = {ids[0]: always(GmailUnavailableError("500"))}  # type: ignore[dict-item]
    process_chunk(deps, job(ids))
    deps.gmail.fail = {}
    assert process_chunk(deps, job([ids[0]], trigger="retry"))[ids[0]] in ("lead", "merged")
    assert {r["state"] for r in deps.retries.rows.values()} == {"resolved"}


def test_the_run_start_is_recorded_once_however_often_it_runs(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.batches.create("b1", MAILBOX, "push", {"c00000": ids}, datetime.now(UTC), OWNER)
    process_chunk(deps, job(ids))
    first = deps.batches.rows["b1"].started_at
    process_chunk(deps, job(ids))
    assert first is not None and deps.batches.rows["b1"].started_at == first
