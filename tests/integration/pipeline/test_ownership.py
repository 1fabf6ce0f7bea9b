"""Owners stay apart, on the emulators: a mailbox's new owner gets leads from the mail its
former owner had; a renter erased leaves nothing in Firestore; ``make migrate`` splits a lead
that held two owners' emails."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

import pytest

from infra.local.mailgen import Renter, lead_email, stream
from shared.events import SyncJob
from shared.parsing import parse_email
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.disconnect import disconnect
from shared.services.mailbox.sync import sync_mailbox
from shared.store import ownership
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
    later = p.deps.leads.existing(p.mailbox, [gid])[gid]
    assert (later.outcome, later.lead_id) == ("erased", None)  # the tombstone holds
    kept = p.deps.db.collection("messages").document(f"{p.mailbox}:{gid}").get().to_dict() or {}
    assert not {"message", "property", "move_in_date", "income"} & set(kept)
    assert not [
        d
        for d in p.deps.db.collection("leads").stream()
        if (d.to_dict() or {}).get("email") == renter.email
    ]
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


def _everything(p: Pipeline) -> str:
    """Every document of every collection, as text (subcollections of batches too)."""
    out = []
    for coll in p.deps.db.collections():
        for doc in coll.stream():
            out.append(json.dumps(doc.to_dict(), default=str))
            for sub in doc.reference.collections():
                out += [json.dumps(d.to_dict(), default=str) for d in sub.stream()]
    return "\n".join(out)


def test_erasure_of_22_addresses_raced_by_an_email_leaves_nothing(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lead keeps 20 keys but every email wrote index entries: only the 20 were cleaned
    (3 index documents kept the renter's name); an email stored while the erasure ran
    merged into the deleted lead and kept the renter's message."""
    p = pipeline
    base = Renter("Marisol", "Thistlewood", "215-555-0177", "")
    rng = random.Random(7)
    for n in range(22):
        who = dataclasses.replace(base, email=f"marisol.t{n}@example.net")
        p.deliver(lead_email("realtor", who, rng, p.mailbox))
    p.connect()
    _backfill(p)
    [target] = [d.id for d in p.deps.db.collection("leads").stream()]
    assert len(list(p.deps.db.collection("lead_keys").stream())) == 23  # 22 emails, a phone
    late = lead_email(
        "zillow", dataclasses.replace(base, email="marisol.late@example.net"), rng, p.mailbox
    )
    real = ownership._tombstone

    def raced(*args: Any, **kwargs: Any) -> None:  # the renter writes while it is erased
        gid = p.deliver(late)
        sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
        for job in p.chunk_jobs():
            assert process_chunk(p.deps, job) == {gid: "erased"}
        real(*args, **kwargs)

    monkeypatch.setattr(ownership, "_tombstone", raced)
    assert api.delete(f"/leads/{target}", headers=auth(p)).status_code == 200
    text = _everything(p).lower()
    values = ["marisol", "thistlewood", "5550177", "555-0177", "@example.net"]
    assert [v for v in values if v in text] == []
    assert [d.id for d in p.deps.db.collection("leads").stream()] == []
