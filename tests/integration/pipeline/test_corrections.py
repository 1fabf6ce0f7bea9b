"""A person corrects the parser, on the emulators: an email read as a non-lead is made a
lead and stays one through a re-parse of everything; a lead marked not a lead leaves the
list and keeps its inquiries; the corrections are exported anonymised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.corrections import export
from infra.local.mailgen import stream
from shared.events import SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from tests.golden import golden
from tests.helpers import paystub_lead
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture

VOICEMAIL = golden("world-nonlead-google-voice-voicemail")


def _run(p: Pipeline) -> None:
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)


def _record(p: Pipeline, gmail_id: str) -> dict[str, Any]:
    snap = p.deps.db.collection("messages").document(f"{p.mailbox}:{gmail_id}").get()
    return dict(snap.to_dict() or {})


def test_an_email_made_a_lead_stays_one(pipeline: Pipeline, api: Any, tmp_path: Path) -> None:  # noqa: F811
    p = pipeline
    ids = [p.deliver(raw) for raw, _ in stream(3, 31, p.mailbox)]
    voicemail = p.deliver(VOICEMAIL.read_bytes())
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    _run(p)
    assert _record(p, voicemail)["outcome"] == "not_lead"
    assert all(_record(p, i)["outcome"] in ("lead", "merged") for i in ids)
    before = len(api.get("/leads?limit=100", headers=auth(p)).get_json()["leads"])

    made = api.post(f"/gmail/messages/{voicemail}/lead", headers=auth(p))
    assert made.status_code == 202
    _run(p)
    record = _record(p, voicemail)
    assert record["outcome"] == "lead" and record["correction"] == "lead"
    assert record["classified_by"]["corrected"] is True and record["needs_review"] is False
    lead = api.get(f"/leads/{record['lead_id']}", headers=auth(p)).get_json()
    assert lead["phone"] == "+12155550190" and lead["needsReview"] is False
    again = api.post(f"/gmail/messages/{voicemail}/lead", headers=auth(p))
    assert again.status_code == 409  # already a lead

    assert api.post("/leads/reparse", json={"all": True}, headers=auth(p)).status_code == 202
    _run(p)
    assert _record(p, voicemail)["outcome"] == "lead"  # the correction is the record's truth
    listed = api.get("/leads?limit=100", headers=auth(p)).get_json()["leads"]
    assert len(listed) == before + 1

    counts = export(p.deps.db, tmp_path, "America/New_York")
    assert counts == {"exported": 1, "no_raw": 0, "with_notes": 0}
    [eml] = tmp_path.glob("*.eml")
    truth = json.loads(eml.with_suffix(".json").read_text())
    assert truth["is_lead"] is True and truth["_correction"] == "lead"
    assert b"555-0190" not in eml.read_bytes() and truth["phone"] != "+12155550190"


def test_a_lead_marked_not_a_lead_leaves_the_list(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    p = pipeline
    [p.deliver(raw) for raw, _ in stream(3, 32, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    _run(p)
    leads = api.get("/leads?limit=100", headers=auth(p)).get_json()["leads"]
    target = leads[0]["id"]
    patched = api.patch(f"/leads/{target}", json={"status": "not_a_lead"}, headers=auth(p))
    assert patched.status_code == 200
    shown = [x["id"] for x in api.get("/leads?limit=100", headers=auth(p)).get_json()["leads"]]
    assert target not in shown and len(shown) == len(leads) - 1
    hidden = api.get("/leads?status=not_a_lead", headers=auth(p)).get_json()["leads"]
    assert [x["id"] for x in hidden] == [target]
    inquiries = api.get(f"/leads/{target}", headers=auth(p)).get_json()["inquiries"]
    assert inquiries and all(
        _record(p, i["messageId"])["correction"] == "not_lead" for i in inquiries
    )
    assert api.post("/leads/reparse", json={"all": True}, headers=auth(p)).status_code == 202
    _run(p)
    assert api.get(f"/leads/{target}", headers=auth(p)).get_json()["status"] == "not_a_lead"


UNKNOWN = (
    b"From: Ops Desk <desk@example-pm.com>\r\nTo: owner@example.com\r\n"
    b"Subject: Unit 4 keys\r\nDate: Tue, 03 Jun 2025 10:00:00 -0400\r\n\r\n"
    b"The keys for unit 4 are in the lockbox, code 4411.\r\n"
)
ODD = (
    b"From: Frontdesk <frontdesk@example-bldg.com>\r\nTo: owner@example.com\r\n"
    b"Subject: =?utf-8?q?Package_room_=E2=80=94_update?=\r\n"
    b"Date: Wed, 04 Jun 2025 09:00:00 -0400\r\n\r\nThe package room moves to level 2.\r\n"
)


def test_unrecognised_mail_is_listed_counted_and_decided_in_one_call(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    p = pipeline
    [p.deliver(raw) for raw, _ in stream(2, 33, p.mailbox)]
    unknown, odd = p.deliver(UNKNOWN), p.deliver(ODD)
    stub = p.deliver(paystub_lead())  # a lead that needs review is not unrecognised
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    _run(p)
    listed = api.get("/gmail/unrecognised?limit=1", headers=auth(p)).get_json()
    assert listed["total"] == 2 and len(listed["emails"]) == 1
    rest = api.get(f"/gmail/unrecognised?cursor={listed['nextCursor']}", headers=auth(p))
    shown = {e["messageId"]: e for e in [*listed["emails"], *rest.get_json()["emails"]]}
    assert set(shown) == {unknown, odd} and rest.get_json()["nextCursor"] is None
    assert _record(p, stub)["outcome"] == "lead" and _record(p, stub)["needs_review"] is True
    assert shown[odd]["subject"] == "Package room — update"
    assert shown[unknown]["sender"] == "Ops Desk <desk@example-pm.com>"
    assert shown[unknown]["reasons"] == ["unrecognised"] and shown[unknown]["limitsHit"] == []
    status = api.get("/gmail/status", headers=auth(p)).get_json()
    assert (status["unrecognised"], "unrecognised" in status["reasons"]) == (2, True)
    stranger = api.get("/gmail/unrecognised", headers=auth(p, "partner@example.com"))
    assert stranger.status_code == 404  # another owner never sees the mailbox's mail

    assert api.post(f"/gmail/messages/{unknown}/lead", headers=auth(p)).status_code == 202
    _run(p)
    confirmed = api.post(f"/gmail/messages/{odd}/not-lead", headers=auth(p))
    assert confirmed.get_json() == {"messageId": odd, "outcome": "not_lead"}
    assert api.post(f"/gmail/messages/{odd}/not-lead", headers=auth(p)).status_code == 200
    assert api.post(f"/gmail/messages/{unknown}/not-lead", headers=auth(p)).status_code == 409
    after = api.get("/gmail/unrecognised", headers=auth(p)).get_json()
    assert (after["emails"], after["total"]) == ([], 0)
    assert _record(p, unknown)["outcome"] == "lead"

    assert api.post("/leads/reparse", json={"all": True}, headers=auth(p)).status_code == 202
    _run(p)
    again = api.get("/gmail/unrecognised", headers=auth(p)).get_json()
    assert again["total"] == 0, "a person's word outlives the re-parse"
    status = api.get("/gmail/status", headers=auth(p)).get_json()
    assert (status["unrecognised"], "unrecognised" in status["reasons"]) == (0, False)
