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
