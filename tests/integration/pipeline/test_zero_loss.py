"""Zero loss on the emulators: no lead has a size or count limit, a write Firestore refuses
fails that email alone, and every batch of an email that fails in two batches ends."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from infra.local.mailgen import Renter, lead_email, stream
from shared.api.lead_views import SHOWN_INQUIRIES
from shared.clock import utcnow
from shared.events import SyncJob
from shared.parsing import parse_email
from shared.records import BatchEmail
from shared.services.ingest.process import process_chunk
from shared.services.ingest.queue import queue_batch
from shared.services.mailbox.sync import sync_mailbox
from shared.services.scheduled.retry import retry_due
from shared.store import lead_records
from shared.store import leads as leads_module
from shared.store.leads import RAW_MAX
from tests.helpers import corpus_files
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import auth
from tests.integration.pipeline.test_entry_auth import client

RENTER = Renter("Maya", "Quill", "2155550123", "maya.quill@example.org")


def _backfill(p: Pipeline, raws: list[bytes]) -> tuple[list[str], dict[str, str]]:
    ids = [p.deliver(raw) for raw in raws]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    outcomes: dict[str, str] = {}
    for job in p.chunk_jobs():
        outcomes.update(process_chunk(p.deps, job))
    return ids, outcomes


def test_a_renter_with_600_inquiries_is_one_lead_of_bounded_size(pipeline: Pipeline) -> None:
    """Inquiries used to live inside the lead: 600 of 2 KB each went past 1 MiB."""
    p = pipeline
    p.connect()
    rng, lead_id = random.Random(600), None
    text = "We are a quiet family of three looking for a long lease. " * 36  # about 2 KB
    for n in range(600):
        raw = lead_email("realtor", RENTER, rng, p.mailbox).replace(
            b"Is this unit still available?", text.encode()
        )
        lead = parse_email(raw, "UTC")
        stored = p.deps.leads.store(
            BatchEmail(p.mailbox, f"m{n:04d}", "b-600", USER), lead, raw, utcnow()
        )
        lead_id = lead_id or stored.lead_id
        assert stored.lead_id == lead_id and stored.outcome == ("lead" if n == 0 else "merged")
    doc = p.deps.db.collection("leads").document(str(lead_id)).get()
    data = doc.to_dict() or {}
    assert data["inquiry_count"] == 600 and "inquiries" not in data
    assert len(repr(data)) < 10_000  # a summary, whatever the count
    one = client("api").get(f"/leads/{lead_id}", headers=auth(p)).get_json()
    assert one["inquiryCount"] == 600 and len(one["inquiries"]) == SHOWN_INQUIRIES
    assert all(text.strip()[:40] in i["message"] for i in one["inquiries"])


def test_a_12_mb_lead_email_is_stored_and_its_chunk_unaffected(pipeline: Pipeline) -> None:
    p = pipeline
    pay_stub = random.Random(12).randbytes(1_200_000)
    big = lead_email("realtor", RENTER, random.Random(1), p.mailbox, attachment=pay_stub)
    assert len(big) > 1_200_000
    others = [raw for raw, _ in stream(4, 31, p.mailbox)]
    ids, outcomes = _backfill(p, [big, *others])
    assert {outcomes[i] for i in ids} <= {"lead", "merged"} and len(outcomes) == 5
    record = p.deps.db.collection("messages").document(f"{p.mailbox}:{ids[0]}").get().to_dict()
    assert record is not None and record["lead_id"] and record["source"] == "realtor"
    assert len(big) >= RAW_MAX and p.deps.leads.raw(p.mailbox, ids[0]) is None  # refetched
    assert p.deps.leads.raw(p.mailbox, ids[1]) is None  # read whole: re-parse refetches it


def test_a_write_firestore_refuses_fails_that_email_alone(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, Firestore's InvalidArgument escaped the chunk: every attempt failed the whole
    chunk and no retry entry was written."""
    p = pipeline
    raws = [raw for raw, _ in stream(5, 41, p.mailbox)]
    target = {"id": ""}
    real = lead_records.inquiry_of

    def oversized(lead: Any, mailbox: str, gmail_id: str) -> dict[str, Any]:
        out = real(lead, mailbox, gmail_id)
        if gmail_id == target["id"]:
            out["message"] = "x" * 1_100_000  # past Firestore's 1 MiB document limit
        return out

    monkeypatch.setattr(leads_module, "inquiry_of", oversized)
    target["id"] = p.deliver(raws[0])
    ids, outcomes = _backfill(p, raws[1:])
    assert outcomes[target["id"]] == "failed"
    assert all(outcomes[i] in ("lead", "merged") for i in ids)
    [entry] = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert entry["error_class"] == "StoreRejectedError" and "size limit" in entry["error"]
    assert p.mailbox not in entry["error"]  # the SDK's text names the document: not kept


def test_an_email_failing_in_two_batches_ends_both(pipeline: Pipeline) -> None:
    """One retry entry per email used to be overwritten by the second batch: the first
    stayed ``running`` forever with an empty retry list."""
    p = pipeline
    p.connect()
    p.pull("TOPIC_BATCHES")
    poison = p.deliver(corpus_files()[3].read_bytes())
    p.faults(fail_ids=[poison], fail_status=400)  # Gmail refuses this email for itself
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    manual = queue_batch(p.deps, account, "manual", 7, [poison])
    jobs = p.chunk_jobs()
    assert len({j.batch_id for j in jobs}) == 2 and manual in {j.batch_id for j in jobs}
    for _ in range(5):
        for job in jobs:
            assert process_chunk(p.deps, job)[poison] in ("failed", "dead")
        for entry in p.deps.db.collection("retries").stream():
            entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
        retry_due(p.deps)
        jobs = p.chunk_jobs()
    entries = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert sorted(e["batch_id"] for e in entries) == sorted({j for j in (manual, *_ids(p))})
    assert {e["state"] for e in entries} == {"dead"}
    for batch_id in {e["batch_id"] for e in entries}:
        summary = p.deps.batches.summary(batch_id)
        assert summary is not None and summary.status == "completed_with_errors", summary


def _ids(p: Pipeline) -> list[str]:
    return [str(b["batch_id"]) for b in p.deps.batches.recent(10) if b["trigger"] == "push"]
