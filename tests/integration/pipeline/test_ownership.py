"""Owners stay apart, on the emulators: a mailbox's new owner gets leads from the mail its
former owner had; a renter erased leaves nothing in Firestore; ``make migrate`` splits a lead
that held two owners' emails."""

from __future__ import annotations

import json
from typing import Any

from infra.local.mailgen import stream
from shared.events import SyncJob
from shared.parsing import parse_email
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.disconnect import disconnect
from shared.services.mailbox.sync import sync_mailbox
from shared.store.lead_records import inquiry_of
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture
from tests.integration.pipeline.test_migrate_owners import old_lead_id, run_make_migrate

PARTNER = "partner@example.com"


def _backfill(p: Pipeline) -> None:
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)


def _leads(p: Pipeline, owner: str) -> list[dict[str, Any]]:
    return [
        d.to_dict() or {}
        for d in p.deps.db.collection("leads").stream()
        if (d.to_dict() or {}).get("owner") == owner
    ]


def test_a_new_owner_gets_leads_from_existing_mail(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    """Before, every email was a duplicate of the former owner's record: B got nothing."""
    p = pipeline
    [p.deliver(raw) for raw, _ in stream(4, 51, p.mailbox, repeat_share=0.0)]
    p.connect()
    _backfill(p)
    mine = _leads(p, USER)
    assert len(mine) == 4
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    disconnect(p.deps, account)
    p.connect(PARTNER)
    _backfill(p)
    assert len(_leads(p, PARTNER)) == 4  # the new owner's own leads from the same mail
    assert len(_leads(p, USER)) == 4  # the former owner keeps theirs, with their inquiries
    listed = api.get("/leads?limit=100", headers=auth(p, USER)).get_json()["leads"]
    shown = api.get(f"/leads/{listed[0]['id']}", headers=auth(p, USER)).get_json()["inquiries"]
    assert len(shown) == 1
    theirs = api.get("/leads?limit=100", headers=auth(p, PARTNER)).get_json()["leads"]
    assert {x["id"] for x in theirs}.isdisjoint({x["id"] for x in listed})
    # handed back: the first owner's records return, nothing is counted twice
    again = p.deps.accounts.get(p.mailbox)
    assert again is not None
    disconnect(p.deps, again)
    p.connect()
    _backfill(p)
    back = _leads(p, USER)
    assert len(back) == 4 and all(x["inquiry_count"] == 1 for x in back)
    assert len(_leads(p, PARTNER)) == 4


def test_an_erased_renter_leaves_nothing(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    p = pipeline
    mail = stream(3, 52, p.mailbox, repeat_share=0.0)
    [p.deliver(raw) for raw, _ in mail]
    p.connect()
    _backfill(p)
    renter = mail[0][1]
    lead = parse_email(mail[0][0])
    [target] = [
        d.id
        for d in p.deps.db.collection("leads").stream()
        if (d.to_dict() or {}).get("email") == renter.email
    ]
    erased = api.delete(f"/leads/{target}", headers=auth(p))
    assert erased.status_code == 200 and erased.get_json() == {"leadId": target, "emails": 1}
    marks = [v for v in (renter.email, lead.phone, (lead.phone or "")[2:]) if v]  # theirs alone
    for name in ("leads", "lead_keys", "messages", "raw_emails", "retries", "batches"):
        for doc in p.deps.db.collection(name).stream():
            text = json.dumps(doc.to_dict(), default=str)
            assert not [m for m in marks if m in text], (name, doc.id)
    [record] = [
        d.to_dict() or {}
        for d in p.deps.db.collection("messages").stream()
        if (d.to_dict() or {}).get("outcome") == "erased"
    ]
    assert not {"message", "property", "move_in_date", "income"} & set(record)
    assert api.get(f"/leads/{target}", headers=auth(p)).status_code == 404
    assert api.post("/leads/reparse", json={"all": True}, headers=auth(p)).status_code == 202
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    assert not [
        d
        for d in p.deps.db.collection("leads").stream()
        if (d.to_dict() or {}).get("email") == renter.email
    ]
    gid = p.deliver(mail[0][0])  # a later email of the renter (a new Gmail message)
    _backfill(p)
    assert p.deps.leads.existing(p.mailbox, [gid])[gid].outcome == "lead"
    fresh = [
        d.id
        for d in p.deps.db.collection("leads").stream()
        if (d.to_dict() or {}).get("email") == renter.email
    ]
    assert len(fresh) == 1 and fresh[0] != target  # a new lead, not the erased one
    assert api.delete(f"/leads/{target}", headers=auth(p, PARTNER)).status_code == 404


def test_migration_splits_a_lead_of_two_owners(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()
    p.pull("TOPIC_SYNC")
    db, other = p.deps.db, "other-box@example.com"
    db.collection("accounts").document(other).set({"owner": PARTNER, "state": "connected"})
    raw, renter = stream(1, 54, p.mailbox, repeat_share=0.0)[0]
    lead = parse_email(raw)
    key = f"phone:{lead.phone}"
    old = old_lead_id(key)
    db.collection("leads").document(old).set(
        {
            "mailbox": p.mailbox,
            "first_name": lead.first_name,
            "last_name": lead.last_name,
            "email": renter.email,
            "phone": lead.phone,
            "status": "new",
            "keys": [key],
            "inquiries": [inquiry_of(lead, p.mailbox, "g1"), inquiry_of(lead, other, "g2")],
            "inquiry_count": 2,
        }
    )
    for box, gid in ((p.mailbox, "g1"), (other, "g2")):
        db.collection("messages").document(f"{box}:{gid}").set(
            {"mailbox": box, "gmail_id": gid, "outcome": "lead", "lead_id": old}
        )
    assert '"leads": 2' in run_make_migrate(p)
    leads = {d.id: d.to_dict() or {} for d in db.collection("leads").stream()}
    assert sorted(x["owner"] for x in leads.values()) == sorted([USER, PARTNER])
    for box, gid in ((p.mailbox, "g1"), (other, "g2")):
        record = db.collection("messages").document(f"{box}:{gid}").get().to_dict() or {}
        owned = leads[record["lead_id"]]
        assert owned["owner"] == record["owner"] and owned["mailboxes"] == [box]
        assert owned["inquiry_count"] == 1 and len(owned["inquiries"]) == 1
    before = {d.id: d.to_dict() for d in db.collection("leads").stream()}
    assert run_make_migrate(p) == "{}"
    assert {d.id: d.to_dict() for d in db.collection("leads").stream()} == before
