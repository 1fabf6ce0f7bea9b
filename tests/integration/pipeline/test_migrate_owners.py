"""`make migrate` moves data written before leads had owners to the owner-scoped scheme,
losing nothing, and a rerun changes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess

from infra.local.mailgen import stream
from shared.clock import utcnow
from shared.events import ChunkJob
from shared.parsing import parse_email
from shared.records import BatchEmail
from shared.services.ingest.process import process_chunk
from shared.store.lead_records import inquiry_of
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_entry_auth import ROOT

SECRET = "test-renter-index-key"


def old_lead_id(key: str) -> str:
    """How lead ids were made before: a plain hash of the renter's key."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def write_old_scheme(p: Pipeline) -> dict[str, str]:
    """Two renters' leads, their records, a batch and plain key documents, as the previous
    version wrote them; returns gmail id -> old lead id."""
    db, mailbox = p.deps.db, p.mailbox
    pointers = {}
    for n, (raw, renter) in enumerate(stream(2, 31, mailbox, repeat_share=0.0)):
        lead = parse_email(raw)
        key = f"phone:{lead.phone}"
        lead_id, gmail_id = old_lead_id(key), f"old{n}"
        db.collection("leads").document(lead_id).set(
            {
                "mailbox": mailbox,
                "first_name": lead.first_name,
                "last_name": lead.last_name,
                "email": renter.email,
                "phone": lead.phone,
                "status": "new",
                "keys": [key],
                "inquiries": [inquiry_of(lead, mailbox, gmail_id)],
                "inquiry_count": 1,
            }
        )
        db.collection("lead_keys").document(key).set({"leads": [{"id": lead_id}]})
        db.collection("messages").document(f"{mailbox}:{gmail_id}").set(
            {"mailbox": mailbox, "gmail_id": gmail_id, "outcome": "lead", "lead_id": lead_id}
        )
        pointers[gmail_id] = lead_id
    db.collection("batches").document("backfill-old").set({"mailbox": mailbox, "total": 2})
    return pointers


def run_make_migrate(p: Pipeline) -> str:
    env = {**os.environ, **p.emulators.env, "LEAD_KEY_SECRET": SECRET}
    env["GOOGLE_CLOUD_PROJECT"] = p.deps.settings.google_cloud_project
    proc = subprocess.run(
        ["make", "-s", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip().splitlines()[-1]


def test_migration_moves_everything_to_owners_and_is_idempotent(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()  # the mailbox's account names its owner
    p.pull("TOPIC_SYNC")
    old = write_old_scheme(p)
    db = p.deps.db
    assert '"leads": 2' in run_make_migrate(p)

    leads = {d.id: d.to_dict() or {} for d in db.collection("leads").stream()}
    assert len(leads) == 2 and not set(old.values()) & set(leads)  # no id is a phone's hash
    assert all(
        lead["owner"] == USER and lead["mailboxes"] == [p.mailbox] for lead in leads.values()
    )
    for gmail_id in old:
        record = db.collection("messages").document(f"{p.mailbox}:{gmail_id}").get().to_dict()
        assert record is not None and record["lead_id"] in leads and record["owner"] == USER
    keys = {d.id: d.to_dict() or {} for d in db.collection("lead_keys").stream()}
    assert not [k for k in keys if k.startswith("phone:")]  # plain keys are gone
    assert sorted(e["id"] for k in keys.values() for e in k["leads"]) == sorted(leads)
    batch = db.collection("batches").document("backfill-old").get().to_dict()
    assert batch is not None and batch["owner"] == USER

    before = {d.id: d.to_dict() for d in db.collection("leads").stream()}
    assert run_make_migrate(p) == "{}"  # nothing left to do
    assert {d.id: d.to_dict() for d in db.collection("leads").stream()} == before

    # the new pipeline finds a migrated renter through the keyed index: one lead, two emails
    raw, _ = stream(2, 31, p.mailbox, repeat_share=0.0)[0]
    gid = p.deliver(raw)
    process_chunk(p.deps, ChunkJob("manual-m", "c00000", p.mailbox, [gid], "manual"))
    assert p.deps.leads.existing(p.mailbox, [gid])[gid].outcome == "merged"
    assert len(list(db.collection("leads").stream())) == 2


def test_reparse_never_touches_a_former_owners_lead(pipeline: Pipeline) -> None:
    """A mailbox disconnected by A and connected by B: re-parsing its old emails for B leaves
    A's lead as it was."""
    p = pipeline
    p.connect()
    p.pull("TOPIC_SYNC")
    raw, _ = stream(1, 41, p.mailbox, repeat_share=0.0)[0]
    gid = p.deliver(raw)
    process_chunk(p.deps, ChunkJob("manual-a", "c00000", p.mailbox, [gid], "manual"))
    [lead] = list(p.deps.db.collection("leads").stream())
    before = lead.to_dict()
    email = BatchEmail(p.mailbox, gid, "reparse-b", "partner@example.com")
    stored = p.deps.leads.reparse(email, parse_email(raw), raw, utcnow())
    assert stored.lead_id == lead.id
    assert p.deps.db.collection("leads").document(lead.id).get().to_dict() == before
