"""Inputs built to reach Firestore or the parser badly: reserved ids, slashes, deep JSON. Every
one is a 4xx (or an acknowledged malformed push), never a 5xx, and nothing is published."""

from __future__ import annotations

import base64
import json

import pytest

from shared.events import SyncJob
from shared.services.ingest.process import process_chunk
from shared.services.mailbox.sync import sync_mailbox
from tests.bench.hostile import HOSTILE
from tests.integration.pipeline.conftest import PUSH_SA, USER, Pipeline
from tests.integration.pipeline.test_entry_auth import client

RESERVED = ["__x__", ".", "..", "a/b", "x" * 300, "__a@b__"]
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_SMALL = b"[" * 20_000 + b"]" * 20_000


def push_of(data: bytes) -> dict[str, object]:
    return {"message": {"data": base64.b64encode(data).decode(), "messageId": "1"}}


@pytest.mark.parametrize("state", RESERVED)
def test_oauth_callback_with_a_reserved_state_is_refused(pipeline: Pipeline, state: str) -> None:
    """Back on the frontend with the reason (a browser never sees a JSON page)."""
    resp = client("oauth").get("/callback", query_string={"state": state, "code": "c"})
    assert resp.status_code == 303
    assert "gmail=error&reason=invalid_argument" in resp.headers["Location"]


@pytest.mark.parametrize("address", ["__a@b__", "a@b/c", ".", "..", "a@b", "x" * 400 + "@b.c"])
def test_webhook_with_a_hostile_address_is_acknowledged(pipeline: Pipeline, address: str) -> None:
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    body = push_of(json.dumps({"emailAddress": address, "historyId": 5}).encode())
    resp = client("gmail_webhook").post(
        "/", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200 and resp.get_json() == {"status": "malformed"}
    assert pipeline.pull("TOPIC_SYNC") == []


@pytest.mark.parametrize(
    ("body", "hook_status"),
    [(DEEP, 413), (DEEP_SMALL, 200), (json.dumps(push_of(DEEP_SMALL)).encode(), 200)],
)
def test_deep_json_is_malformed_not_a_crash(
    pipeline: Pipeline, body: bytes, hook_status: int
) -> None:
    """The webhook refuses a body over its 64 KiB unread; a smaller deep one is malformed."""
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    hook = client("gmail_webhook").post(
        "/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert hook.status_code == hook_status
    if hook_status == 200:
        assert hook.get_json() == {"status": "malformed"}
    user = {"Authorization": f"Bearer {pipeline.token('fake-client', USER)}"}
    pipeline.connect()
    api = client("api").post(
        "/gmail/process-batch", data=body, content_type="application/json", headers=user
    )
    assert api.status_code == 400, api.get_data()[:200]
    assert pipeline.pull("TOPIC_BATCHES") == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/leads/__x__", None),
        ("GET", "/leads?cursor=__x__", None),
        ("GET", "/leads?cursor=..", None),
        ("GET", "/processing/history?cursor=__x__", None),
        ("GET", "/processing/status/__b__", None),
        ("POST", "/processing/retry/..", None),
        ("POST", "/leads/reparse", {"leadIds": ["__a__"]}),
        ("POST", "/leads/reparse", {"leadIds": [".."]}),
    ],
)
def test_reserved_ids_in_the_api_are_404(
    pipeline: Pipeline, method: str, path: str, body: object
) -> None:
    pipeline.connect()
    user = {"Authorization": f"Bearer {pipeline.token('fake-client', USER)}"}
    resp = client("api").open(path, method=method, json=body, headers=user)
    assert resp.status_code == 404, (path, resp.get_data()[:200])
    assert resp.get_json()["error"]["code"] == "not_found"


BAD_UTF8 = {
    "surrogate": b'{"ids": ["\xed\xa0\x80"]}',
    "overlong": b'{"ids": ["\xc0\xaf"]}',
    "five bytes": b'{"ids": ["\xf8\x88\x80\x80\x80"]}',
    "huge integer": b'{"ids": [1' + b"0" * 5_000 + b"]}",
}


@pytest.mark.parametrize("body", BAD_UTF8.values(), ids=list(BAD_UTF8))
def test_invalid_utf8_or_numbers_out_of_range_are_400_in_every_body(
    pipeline: Pipeline, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """msgspec raises UnicodeDecodeError and ValidationError for these, not DecodeError:
    they were 500s with an ERROR line the alert counts."""
    pipeline.connect()
    user = {"Authorization": f"Bearer {pipeline.token('fake-client', USER)}"}
    api = client("api").post(
        "/gmail/process-batch", data=body, content_type="application/json", headers=user
    )
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid_argument"
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    hook = client("gmail_webhook").post(
        "/", json=push_of(body), headers={"Authorization": f"Bearer {token}"}
    )
    assert hook.status_code == 200 and hook.get_json() == {"status": "malformed"}
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []


@pytest.mark.parametrize(
    ("name", "path", "limit"),
    [
        ("api", "/gmail/process-batch", 256 * 1024),
        ("gmail_webhook", "/", 64 * 1024),
        ("scheduled_tasks", "/", 1024),
        ("oauth", "/start", 16 * 1024),
    ],
)
def test_a_body_over_its_bound_is_413_before_the_caller_is_checked(
    pipeline: Pipeline, name: str, path: str, limit: int
) -> None:
    """No token at all: the size is refused first, and the answer is the error envelope."""
    resp = client(name).post(path, data=b"x" * (limit + 1), content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"


def test_dates_past_what_firestore_holds_leave_the_lead_stored(pipeline: Pipeline) -> None:
    """Year 9999 in a forwarded block's date reached Firestore and killed the email."""
    p = pipeline
    p.connect()
    p.pull("TOPIC_BATCHES")
    ids = [p.deliver(HOSTILE[name]()) for name in ("forwarded_year_9999", "year_9999")]
    sync_mailbox(p.deps, SyncJob(p.mailbox, "push"))
    outcomes = {i: o for job in p.chunk_jobs() for i, o in process_chunk(p.deps, job).items()}
    assert [outcomes[i] for i in ids] == ["lead", "merged"]  # one renter, Ann Lee
    assert list(p.deps.db.collection("retries").stream()) == []
