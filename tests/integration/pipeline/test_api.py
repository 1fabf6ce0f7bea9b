"""The API in-process on the emulators and the fake Google: auth, CORS, routes, ownership."""

from __future__ import annotations

from typing import Any

import pytest
import requests as http
from google.cloud.firestore import FieldFilter

from infra.local.mailgen import stream
from shared.errors import RetryableError
from shared.events import ChunkJob, SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from tests.golden import golden
from tests.helpers import PRIVATE, consent_code, corpus_files
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_entry_auth import bad_tokens, client

ORIGIN = "http://localhost:5173"


@pytest.fixture
def api(pipeline: Pipeline) -> Any:
    return client("api")


def auth(p: Pipeline, email: str = USER) -> dict[str, str]:
    return {"Authorization": f"Bearer {p.token('fake-client', email)}"}


def connected(p: Pipeline, n: int) -> list[str]:
    ids = [p.deliver(raw) for raw, _ in stream(n, 21, p.mailbox)]
    p.connect()
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    return ids


def test_every_route_needs_an_allowed_user(pipeline: Pipeline, api: Any) -> None:
    # the API is public: a signature-removed token is refused whatever it claims
    cases = {
        case: (header, 401 if "signature removed" in case else status)
        for case, (header, status) in bad_tokens(pipeline, "fake-client", USER).items()
    }
    cases["not allow-listed"] = ("Bearer " + pipeline.token("fake-client", "x@evil.test"), 403)
    for method, path in [
        ("GET", "/gmail/status"),
        ("GET", "/leads"),
        ("POST", "/gmail/process-batch"),
        ("GET", "/processing/history"),
        ("PATCH", "/leads/abc"),
    ]:
        for case, (header, status) in cases.items():
            resp = api.open(
                path, method=method, headers={"Authorization": header} if header else {}
            )
            assert resp.status_code == status, (path, case)
            assert set(resp.get_json()["error"]) == {"code", "message", "details"}


def test_cors_only_for_configured_origins(pipeline: Pipeline, api: Any) -> None:
    ok = api.options("/leads", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
    assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    bad = api.options("/leads", headers={"Origin": "https://evil.test"})
    assert bad.status_code == 403 and "Access-Control-Allow-Origin" not in bad.headers
    resp = api.get("/gmail/status", headers={**auth(pipeline), "Origin": ORIGIN})
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_status_labels_messages_and_batches(pipeline: Pipeline, api: Any) -> None:
    p = pipeline
    assert api.get("/gmail/status", headers=auth(p)).get_json()["state"] == "disconnected"
    ids = connected(p, 6)
    status = api.get("/gmail/status", headers=auth(p)).get_json()
    assert status["state"] == "connected" and status["mailbox"] == p.mailbox
    assert "secret" not in str(status).lower() and "token" not in str(status).lower()
    labels = api.get("/gmail/labels", headers=auth(p)).get_json()["labels"]
    lead_label = next(lbl for lbl in labels if lbl["name"] == "Processed lead")
    assert lead_label["messagesTotal"] == 6
    page = api.get(
        f"/gmail/messages?labelId={lead_label['id']}&maxResults=4", headers=auth(p)
    ).get_json()
    assert len(page["messages"]) == 4 and page["nextPageToken"]
    assert {m["status"] for m in page["messages"]} <= {"lead", "merged"}
    resp = api.post("/gmail/process-batch", json={"messageIds": ids[:3]}, headers=auth(p))
    assert resp.status_code == 202
    batch_id = resp.get_json()["batchId"]
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    st = api.get(f"/processing/status/{batch_id}", headers=auth(p)).get_json()
    assert (st["total"], st["processed"], st["skipped"], st["progress"]) == (3, 3, 3, "3/3")
    assert st["status"] == "completed" and st["percentComplete"] == 100.0
    history = api.get("/processing/history?limit=1", headers=auth(p)).get_json()
    assert history["total"] == 2 and len(history["batches"]) == 1 and history["nextCursor"]
    nxt = api.get(
        f"/processing/history?limit=1&cursor={history['nextCursor']}", headers=auth(p)
    ).get_json()
    assert nxt["batches"][0]["batchId"] != history["batches"][0]["batchId"]
    assert api.post(f"/processing/retry/{batch_id}", headers=auth(p)).get_json() == {"retried": 0}
    unknown = api.get("/processing/status/nope", headers=auth(p))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    bad = api.post("/gmail/process-batch", json={"messageIds": []}, headers=auth(p))
    assert bad.status_code == 400 and "messageIds" in bad.get_json()["error"]["details"]["fields"]


def test_leads_list_get_patch_and_ownership(pipeline: Pipeline, api: Any) -> None:
    p = pipeline
    connected(p, 5)
    leads = api.get("/leads?limit=2", headers=auth(p)).get_json()
    assert len(leads["leads"]) == 2 and leads["nextCursor"]
    lead_id = leads["leads"][0]["id"]
    one = api.get(f"/leads/{lead_id}", headers=auth(p)).get_json()
    assert one["inquiries"] and one["status"] == "new"
    changed = api.patch(
        f"/leads/{lead_id}", json={"status": "contacted", "notes": "called"}, headers=auth(p)
    )
    assert changed.status_code == 200 and changed.get_json()["status"] == "contacted"
    assert (
        api.get("/leads?status=contacted", headers=auth(p)).get_json()["leads"][0]["id"] == lead_id
    )
    bad = api.patch(f"/leads/{lead_id}", json={"status": "won", "x": 1}, headers=auth(p))
    assert bad.status_code == 400 and set(bad.get_json()["error"]["details"]["fields"]) == {
        "status",
        "x",
    }
    partner = auth(p, "partner@example.com")  # another allow-listed user: none of it is theirs
    assert api.get(f"/leads/{lead_id}", headers=partner).status_code == 404
    assert api.get(f"/leads?cursor={lead_id}", headers=partner).status_code == 404
    assert api.patch(f"/leads/{lead_id}", json={"notes": "x"}, headers=partner).status_code == 404
    assert api.get("/leads", headers=partner).get_json()["leads"] == []


def test_token_exchange_connects_and_disconnect_keeps_leads(pipeline: Pipeline, api: Any) -> None:
    p = pipeline
    p.deliver(next(iter(stream(1, 5, p.mailbox)))[0])
    raw = api.post(
        "/gmail/token",
        json={"refresh_token": "1//abc", "code": "x", "redirectUri": "postmessage"},
        headers=auth(p),
    )
    assert (
        raw.status_code == 400 and "refresh_token" in raw.get_json()["error"]["details"]["fields"]
    )
    code = consent_code(p.fake.url, p.mailbox, redirect_uri="postmessage")
    ok = api.post(
        "/gmail/token", json={"code": code, "redirectUri": "postmessage"}, headers=auth(p)
    )
    assert ok.status_code == 200 and ok.get_json() == {"connected": True, "mailbox": p.mailbox}
    assert "token" not in ok.get_data(as_text=True).replace('"/gmail/token"', "")
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and account.owner == USER and account.state == "connected"
    sync_mailbox(p.deps, SyncJob(p.mailbox, "backfill", full=True))
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    secret = p.deps.secrets.get(account.secret_name)

    def denied(name: str) -> None:
        raise RetryableError("Secret Manager delete failed (PermissionDenied)")

    real_delete = p.deps.secrets.delete
    p.deps.secrets.delete = denied  # type: ignore[method-assign]  # production without the grant
    failed = api.post("/gmail/disconnect", headers=auth(p))
    p.deps.secrets.delete = real_delete  # type: ignore[method-assign]
    assert failed.status_code == 503
    half = p.deps.accounts.get(p.mailbox)
    assert half is not None and half.state == "disconnecting"
    assert half.reason is not None and "could not be deleted" in half.reason
    assert api.get("/gmail/status", headers=auth(p)).get_json()["connected"] is False
    gone = api.post("/gmail/disconnect", headers=auth(p))  # again: finishes the job
    assert gone.status_code == 200
    assert gone.get_json()["secretDeleted"] is True
    assert p.deps.accounts.get(p.mailbox).state == "disconnected"  # type: ignore[union-attr]
    refresh = http.post(
        f"{p.fake.url}/token",
        timeout=10,
        data={"grant_type": "refresh_token", "refresh_token": secret, "client_id": "fake-client"},
    )
    assert refresh.json()["error"] == "invalid_grant"
    assert len(list(p.deps.db.collection("leads").stream())) == 1
    assert api.get("/gmail/status", headers=auth(p)).get_json()["state"] == "disconnected"


def test_reparse_rewrites_inquiries_and_recovers_missed_leads(pipeline: Pipeline, api: Any) -> None:
    p = pipeline
    ids = connected(p, 4)
    db = p.deps.db
    lead_ref = next(iter(db.collection("leads").stream())).reference
    mine = [
        d.reference
        for d in db.collection("messages")
        .where(filter=FieldFilter("lead_id", "==", lead_ref.id))
        .stream()
    ]
    for ref in mine:  # as an older parser left them
        ref.update({"message": "OLD PARSER OUTPUT"})
    missed = next(i for i in ids if i not in {r.id.split(":", 1)[1] for r in mine})
    rec = db.collection("messages").document(f"{p.mailbox}:{missed}")
    old_lead_id = (rec.get().to_dict() or {})["lead_id"]
    db.collection("leads").document(old_lead_id).delete()  # as if an old parser missed it
    rec.update({"outcome": "not_lead", "lead_id": None, "parser_version": "0.0.1"})
    one = api.post("/leads/reparse", json={"leadIds": [lead_ref.id]}, headers=auth(p))
    assert one.status_code == 202
    for job in p.chunk_jobs():
        assert job.trigger == "reparse"
        process_chunk(p.deps, job)
    shown = api.get(f"/leads/{lead_ref.id}", headers=auth(p)).get_json()["inquiries"]
    assert len(shown) == len(mine) and all(i["message"] != "OLD PARSER OUTPUT" for i in shown)
    assert all((r.get().to_dict() or {})["message"] != "OLD PARSER OUTPUT" for r in mine)
    everything = api.post("/leads/reparse", json={"all": True}, headers=auth(p))
    batch_id = everything.get_json()["batchId"]
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    record = rec.get().to_dict() or {}
    assert record["outcome"] in ("lead", "merged") and record["parser_version"] != "0.0.1"
    status = api.get(f"/processing/status/{batch_id}", headers=auth(p)).get_json()
    assert (status["total"], status["succeeded"], status["failed"]) == (4, 4, 0)
    assert sum((d.to_dict() or {})["inquiry_count"] for d in db.collection("leads").stream()) == 4
    assert api.post("/leads/reparse", json={"all": False}, headers=auth(p)).status_code == 400


def test_only_the_lead_label_is_read_and_only_needed_raw_kept(pipeline: Pipeline, api: Any) -> None:
    """Mail outside the lead label is never read: chosen ids are queued at once, and the
    pipeline reads their labels before their content; unrelated mail keeps no raw body."""
    p = pipeline
    ids = connected(p, 2)
    inbox = p.deliver(PRIVATE, labels=["INBOX"])
    p.faults(enforce_quota=False)
    http.post(f"{p.fake.url}/_fake/stats/reset", timeout=5)
    mixed = api.post("/gmail/process-batch", json={"messageIds": [inbox, ids[0]]}, headers=auth(p))
    assert mixed.status_code == 202
    [job] = p.chunk_jobs()
    assert job.ids == [inbox, ids[0]] and job.trigger == "manual"
    outcomes = process_chunk(p.deps, job)
    assert outcomes[inbox] == "gone" and outcomes[ids[0]] == "duplicate"  # backfill had it
    stats = http.get(f"{p.fake.url}/_fake/stats", timeout=5).json()
    assert stats.get("read.raw", 0) == 0 and stats["read.minimal"] == 1  # its labels only
    assert p.deps.leads.existing(p.mailbox, [inbox]) == {}
    by_query = api.post("/gmail/process-batch", json={"q": "results"}, headers=auth(p))
    assert by_query.status_code == 404  # "results" matches only the INBOX email
    # an unrelated email inside the label is recorded without its raw body, and so is a lead
    # read whole (a re-parse fetches it again); a lead that needs review keeps it
    labelled = p.deliver(PRIVATE.replace(b"results-1", b"results-2"))
    doubtful = p.deliver(golden("real-0019").read_bytes())
    job = ChunkJob("manual-x", "c00000", p.mailbox, [labelled, doubtful], "manual")
    outcomes = process_chunk(p.deps, job)
    assert outcomes[labelled] == "not_lead" and outcomes[doubtful] in ("lead", "merged")
    assert p.deps.leads.raw(p.mailbox, labelled) is None
    assert p.deps.leads.raw(p.mailbox, ids[0]) is None
    kept = p.deps.db.collection("raw_emails").document(f"{p.mailbox}:{doubtful}").get()
    assert kept.exists and kept.to_dict()["expires_at"] > kept.to_dict()["stored_at"]


def test_a_reparse_stays_inside_gmails_quota_and_reads_oversized_mail_in_parts(
    pipeline: Pipeline, api: Any
) -> None:
    """A re-parse called Gmail outside the limiter, the fetch budget and the size check: of
    100 emails 22 met 429s and failed, and mail over EMAIL_MAX_BYTES was fetched whole."""
    p = pipeline
    ids = connected(p, 100)
    bound = p.deps.settings.email_max_bytes
    huge = p.deliver(corpus_files()[3].read_bytes() + b"\n" + b"z" * bound)
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))  # its own chunk, read format=full
    for job in p.chunk_jobs():
        process_chunk(p.deps, job)
    for doc in p.deps.db.collection("raw_emails").stream():
        doc.reference.delete()  # every email must come from Gmail again
    before = {i: r.outcome for i, r in p.deps.leads.existing(p.mailbox, [*ids, huge]).items()}
    http.post(f"{p.fake.url}/_fake/stats/reset", timeout=5)
    accepted = api.post("/leads/reparse", json={"all": True}, headers=auth(p))
    assert accepted.status_code == 202
    outcomes: dict[str, str] = {}
    for job in p.chunk_jobs():
        outcomes |= process_chunk(p.deps, job)
    stats = http.get(f"{p.fake.url}/_fake/stats", timeout=5).json()
    assert stats.get("errors.429", 0) + stats.get("errors.429_concurrent", 0) == 0
    assert stats["read.raw"] == len(ids)  # each once, the oversized one never whole
    assert stats["read.full"] == 1  # its text and attachment names only
    assert outcomes == before  # the same parser: every record as it was, none failed
