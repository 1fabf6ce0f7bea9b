"""Inputs built to reach Firestore or the parser badly: reserved ids, slashes, deep JSON. Every
one is a 4xx (or an acknowledged malformed push), never a 5xx, and nothing is published."""

from __future__ import annotations

import base64
import json

import pytest

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


@pytest.mark.parametrize("body", [DEEP, DEEP_SMALL, json.dumps(push_of(DEEP_SMALL)).encode()])
def test_deep_json_is_malformed_not_a_crash(pipeline: Pipeline, body: bytes) -> None:
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    hook = client("gmail_webhook").post(
        "/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert hook.status_code == 200 and hook.get_json() == {"status": "malformed"}
    user = {"Authorization": f"Bearer {pipeline.token('fake-client', USER)}"}
    pipeline.connect()
    api = client("api").post(
        "/gmail/process-batch", data=body, content_type="application/json", headers=user
    )
    assert api.status_code in (400, 413), api.get_data()[:200]
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
