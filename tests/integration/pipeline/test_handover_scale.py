"""A mailbox changing hands at any size, on the emulators. The hand-over moved one page of
200 records and stopped (its query returned the tagged copies it had just written first):
320 emails gave the new owner 200 leads, and the audit, counting records without their
owner, reported nothing missing."""

from __future__ import annotations

from typing import Any

import pytest
from google.cloud.firestore import FieldFilter
from google.cloud.firestore_v1 import batch as firestore_batch

from infra.local.mailgen import stream
from shared.clock import utcnow
from shared.services.mailbox.disconnect import disconnect
from shared.services.scheduled.audit import audit_mailbox
from shared.store import ownership
from tests.firestore_ops import counting
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture
from tests.integration.pipeline.test_ownership import PARTNER, _backfill, _leads

RECORDS = 1_000


def _former_owners_records(p: Pipeline, n: int) -> list[str]:
    """``n`` emails in the lead label, each recorded for USER (written directly: the
    hand-over, not the pipeline, is under test); returns their Gmail ids."""
    raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n"
    ids = [p.deliver(raw) for _ in range(n)]
    writer = p.deps.db.bulk_writer()
    for gmail_id in ids:
        record = {
            "owner": USER,
            "mailbox": p.mailbox,
            "gmail_id": gmail_id,
            "outcome": "not_lead",
            "lead_id": None,
            "batch_id": "b-old",
            "processed_at": utcnow(),
        }
        writer.set(p.deps.db.collection("messages").document(f"{p.mailbox}:{gmail_id}"), record)
    writer.close()
    return ids


def _untagged_of(p: Pipeline, owner: str) -> int:
    query = p.deps.db.collection("messages").where(filter=FieldFilter("owner", "==", owner))
    docs = query.stream()
    return sum("~" not in d.id for d in docs)


def _kill_after(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """The process dies at the commit of page ``pages + 1``."""
    real, done = firestore_batch.WriteBatch.commit, {"n": 0}

    def commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        if done["n"] >= pages:
            raise SystemExit("killed")
        done["n"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(firestore_batch.WriteBatch, "commit", commit)


def test_a_hand_over_of_1000_records_killed_midway_resumes_and_moves_all(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = pipeline
    _former_owners_records(p, RECORDS)
    with monkeypatch.context() as m:
        _kill_after(m, 2)
        with pytest.raises(SystemExit):
            p.deps.leads.hand_over(p.mailbox, PARTNER)
    state = ownership.handover_state(p.deps.db, p.mailbox)
    assert (state["moved"], state["done"]) == (2 * ownership.PAGE, False)
    with counting() as ops:
        moved = p.deps.leads.hand_over(p.mailbox, PARTNER)
    assert moved == RECORDS - 2 * ownership.PAGE
    assert ops.reads <= RECORDS - 2 * ownership.PAGE + 10  # what it wrote, never read again
    assert _untagged_of(p, USER) == 0
    tagged = [d for d in p.deps.db.collection("messages").stream() if "~" in d.id]
    assert len(tagged) == RECORDS
    state = ownership.handover_state(p.deps.db, p.mailbox)
    assert (state["moved"], state["done"], state["owner"]) == (RECORDS, True, PARTNER)
    assert p.deps.leads.hand_over(p.mailbox, PARTNER) == 0  # finished: nothing to do


def test_the_audit_finds_a_hand_over_stopped_midway_and_finishes_it(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = pipeline
    ids = _former_owners_records(p, 450)
    p.connect(PARTNER)
    p.pull("TOPIC_SYNC")
    with monkeypatch.context() as m:
        _kill_after(m, 1)
        with pytest.raises(SystemExit):
            p.deps.leads.hand_over(p.mailbox, PARTNER)
    assert _untagged_of(p, USER) == 450 - ownership.PAGE  # half done
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    report = audit_mailbox(p.deps, account, p.deps.gmail_for(account))
    assert (report.recorded, report.missing, report.queued) == (0, 450, 450)
    assert _untagged_of(p, USER) == 0  # the audit finished the hand-over
    assert p.deps.batches.planned_ids({str(report.batch_id)}) == set(ids)


def test_a_new_owner_gets_every_lead_past_one_page(pipeline: Pipeline) -> None:
    p = pipeline
    p.faults(enforce_quota=False)
    n = ownership.PAGE + 40
    [p.deliver(raw) for raw, _ in stream(n, 58, p.mailbox, repeat_share=0.0)]
    p.connect()
    _backfill(p)
    assert len(_leads(p, USER)) == n
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    disconnect(p.deps, account)
    p.connect(PARTNER)
    _backfill(p)
    assert len(_leads(p, PARTNER)) == n  # was 200: one page
    assert len(_leads(p, USER)) == n


def test_the_former_owners_inquiry_cursor_works_after_the_hand_over(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    """The cursor named the record's key, which the hand-over moved: page 2 was a 404."""
    p = pipeline
    [raw] = [r for r, _ in stream(1, 59, p.mailbox, repeat_share=0.0)]
    for n in range(3):  # one renter writes three times: one lead, three inquiries
        p.deliver(raw.replace(b"Subject: ", f"Subject: ({n}) ".encode(), 1))
    p.connect()
    _backfill(p)
    [lead] = api.get("/leads", headers=auth(p, USER)).get_json()["leads"]
    first = api.get(f"/leads/{lead['id']}/inquiries?limit=1", headers=auth(p, USER)).get_json()
    cursor = first["nextCursor"]
    account = p.deps.accounts.get(p.mailbox)
    assert cursor is not None and account is not None
    disconnect(p.deps, account)
    p.connect(PARTNER)
    _backfill(p)  # the hand-over moves USER's records to their tagged keys
    later = api.get(f"/leads/{lead['id']}/inquiries?limit=5&cursor={cursor}", headers=auth(p, USER))
    assert later.status_code == 200
    assert len(later.get_json()["inquiries"]) == 2
