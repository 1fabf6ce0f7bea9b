"""Bad callers and bad bodies at the HTTP entry points: webhook, scheduler, OAuth callback."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from functions_framework import create_app
from google.cloud.firestore import FieldFilter

from shared.clock import utcnow
from tests.helpers import consent_code
from tests.integration.pipeline.conftest import PUSH_SA, SCHED_SA, Pipeline

ROOT = Path(__file__).resolve().parents[3]


def client(name: str) -> Any:
    return create_app(name, str(ROOT / "functions" / name / "main.py")).test_client()


def envelope(data: Any) -> dict[str, Any]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return {
        "message": {"data": base64.b64encode(raw).decode(), "messageId": "1"},
        "subscription": "projects/p/subscriptions/s",
    }


def removed(token: str) -> str:
    """The token as Cloud Run's front end forwards it after its IAM check."""
    return token.rpartition(".")[0] + ".SIGNATURE_REMOVED_BY_GOOGLE"


def bad_tokens(p: Pipeline, audience: str, email: str) -> dict[str, tuple[str | None, int]]:
    """Tokens an IAM-protected function must refuse, signed and signature-removed."""
    good = p.token(audience, email)
    return {
        **{
            f"{case} (signature removed)": ("Bearer " + removed(token), status)
            for case, (token, status) in {
                "expired": (p.token(audience, email, expires_in=-600), 401),
                "wrong audience": (p.token("https://elsewhere.test", email), 401),
                "wrong issuer": (p.token(audience, email, issuer="https://evil.test"), 401),
                "other account": (p.token(audience, "someone@evil.test"), 403),
                "unverified email": (p.token(audience, email, email_verified=False), 403),
            }.items()
        },
        "missing": (None, 401),
        "not bearer": (f"Basic {good}", 401),
        "malformed": ("Bearer abc.def", 401),
        "forged": (
            "Bearer " + good[:-8] + ("A" * 8 if not good.endswith("A" * 8) else "B" * 8),
            401,
        ),
        "expired": ("Bearer " + p.token(audience, email, expires_in=-600), 401),
        "wrong audience": ("Bearer " + p.token("https://elsewhere.test", email), 401),
        "wrong issuer": ("Bearer " + p.token(audience, email, issuer="https://evil.test"), 401),
        "other account": ("Bearer " + p.token(audience, "someone@evil.test"), 403),
        "unverified email": ("Bearer " + p.token(audience, email, email_verified=False), 403),
    }


def test_webhook_rejects_bad_tokens_and_publishes_nothing(pipeline: Pipeline) -> None:
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")  # the backfill job
    hook = client("gmail_webhook")
    body = envelope({"emailAddress": pipeline.mailbox, "historyId": 5})
    for case, (header, status) in bad_tokens(pipeline, "https://hooks.test/gmail", PUSH_SA).items():
        headers = {"Authorization": header} if header else {}
        resp = hook.post("/", json=body, headers=headers)
        assert resp.status_code == status, case
        assert resp.get_json()["error"]["code"] in ("unauthenticated", "permission_denied"), case
    assert pipeline.pull("TOPIC_SYNC") == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        b"[]",
        json.dumps({"message": {}}).encode(),
        json.dumps({"message": {"data": "%%%not-base64"}}).encode(),
        json.dumps(envelope(b"not json")).encode(),
        json.dumps(envelope({"historyId": 5})).encode(),
        json.dumps(envelope({"emailAddress": "x@example.com", "historyId": "abc"})).encode(),
        json.dumps(envelope({"emailAddress": "nobody@example.com", "historyId": 9})).encode(),
    ],
)
def test_webhook_acks_malformed_or_unknown_and_publishes_nothing(
    pipeline: Pipeline, body: bytes
) -> None:
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    resp = client("gmail_webhook").post(
        "/",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 200
    assert resp.get_json()["status"] in ("malformed", "unknown_mailbox")
    assert pipeline.pull("TOPIC_SYNC") == []


@pytest.mark.parametrize("signature", ["kept", "removed by Cloud Run"])
def test_webhook_valid_push_publishes_one_sync_job(pipeline: Pipeline, signature: str) -> None:
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")
    token = pipeline.token("https://hooks.test/gmail", PUSH_SA)
    resp = client("gmail_webhook").post(
        "/",
        json=envelope({"emailAddress": pipeline.mailbox.upper(), "historyId": 77}),
        headers={"Authorization": f"Bearer {token if signature == 'kept' else removed(token)}"},
    )
    assert resp.status_code == 200 and resp.get_json() == {"status": "queued"}
    assert pipeline.pull("TOPIC_SYNC") == [
        {"mailbox": pipeline.mailbox, "trigger": "push", "full": False, "history_id": 77}
    ]


def test_webhook_reads_the_token_cloud_run_checked(pipeline: Pipeline) -> None:
    """With ``X-Serverless-Authorization`` Cloud Run checks that header and passes
    ``Authorization`` through unchecked: the webhook must read the checked one."""
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")
    good = removed(pipeline.token("https://hooks.test/gmail", PUSH_SA))
    forged = removed(pipeline.token("https://hooks.test/gmail", "someone@evil.test"))
    hook, body = (
        client("gmail_webhook"),
        envelope({"emailAddress": pipeline.mailbox, "historyId": 9}),
    )
    headers = {"Authorization": f"Bearer {good}", "X-Serverless-Authorization": f"Bearer {forged}"}
    assert hook.post("/", json=body, headers=headers).status_code == 403
    assert pipeline.pull("TOPIC_SYNC") == []
    headers = {"Authorization": f"Bearer {forged}", "X-Serverless-Authorization": f"Bearer {good}"}
    assert hook.post("/", json=body, headers=headers).status_code == 200


def test_public_functions_refuse_signature_removed_tokens(pipeline: Pipeline) -> None:
    """The API and the OAuth flow are invokable by anyone: an unsigned token proves nothing."""
    owner = pipeline.token("fake-client", "owner@example.com")
    unsigned = {"Authorization": f"Bearer {removed(owner)}"}
    resp = client("oauth").post("/start", data={"id_token": removed(owner)})
    assert resp.status_code == 401 and "unsigned" in resp.get_json()["error"]["message"]
    assert client("api").get("/gmail/status", headers=unsigned).status_code == 401
    signed = {"Authorization": f"Bearer {owner}"}
    assert client("api").get("/gmail/status", headers=signed).status_code == 200


@pytest.mark.parametrize("name", ["retry_failed", "renew_watch"])
def test_scheduler_endpoints_reject_bad_tokens(pipeline: Pipeline, name: str) -> None:
    audience = "https://hooks.test/retry" if name == "retry_failed" else "https://hooks.test/renew"
    fn = client(name)
    for case, (header, status) in bad_tokens(pipeline, audience, SCHED_SA).items():
        resp = fn.post("/", headers={"Authorization": header} if header else {})
        assert resp.status_code == status, case
    good = pipeline.token(audience, SCHED_SA)
    assert fn.post("/", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    assert pipeline.pull("TOPIC_SYNC") == [] and pipeline.pull("TOPIC_BATCHES") == []


def test_the_scheduled_tasks_are_chosen_by_the_body_and_bounded(pipeline: Pipeline) -> None:
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")
    fn = client("renew_watch")
    auth = {"Authorization": f"Bearer {pipeline.token('https://hooks.test/renew', SCHED_SA)}"}
    assert fn.post("/", json={"task": "sync"}, headers=auth).get_json() == {"synced": 1}
    assert fn.post("/", json={"task": "audit"}, headers=auth).get_json() == {"audits": 1}
    triggers = sorted(m["trigger"] for m in pipeline.pull("TOPIC_SYNC"))
    assert triggers == ["audit", "scheduled"]
    for body in ({"task": "everything"}, {"task": 7}, ["audit"]):
        resp = fn.post("/", json=body, headers=auth)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_argument"
    huge = fn.post("/", data=b'{"task": "' + b"a" * 5000 + b'"}', headers=auth)
    assert huge.status_code == 400 and huge.get_json()["error"]["code"] == "malformed_payload"
    assert pipeline.pull("TOPIC_SYNC") == []


def test_oauth_callback_rejects_bad_state_and_changes_nothing(pipeline: Pipeline) -> None:
    fn = client("oauth")
    deps = pipeline.deps
    deps.oauth_states.create(
        "expired-state", "owner@example.com", "v" * 50, utcnow().replace(year=2020)
    )
    cases = {
        "missing": "/callback?code=abc",
        "forged": "/callback?code=abc&state=forged",
        "expired": "/callback?code=abc&state=expired-state",
    }
    for case, path in cases.items():
        resp = fn.get(path)
        assert resp.status_code == 400, case
        assert resp.get_json()["error"]["code"] == "invalid_argument"
    mailbox = pipeline.connect()  # a good flow works, and its state is now used
    used_q = deps.db.collection("oauth_states").where(filter=FieldFilter("used", "==", True))
    used = next(iter(used_q.stream())).id
    assert fn.get(f"/callback?code=abc&state={used}").status_code == 400
    assert deps.accounts.get(mailbox) is not None
    assert [d.id for d in deps.db.collection("accounts").stream()] == [mailbox]


def test_oauth_start_needs_an_allowed_user_and_sets_the_browser_cookie(
    pipeline: Pipeline,
) -> None:
    fn = client("oauth")
    assert fn.get("/start").status_code == 405  # only a top-level form POST
    assert fn.post("/start", data={}).status_code == 401
    stranger = pipeline.token("fake-client", "stranger@example.com")
    assert fn.post("/start", data={"id_token": stranger}).status_code == 403
    owner = pipeline.token("fake-client", "owner@example.com")
    resp = fn.post("/start", data={"id_token": owner})
    assert resp.status_code == 303
    cookie = resp.headers["Set-Cookie"]
    for attribute in ("lh_consent=", "HttpOnly", "Secure", "SameSite=Lax", "Max-Age=600"):
        assert attribute in cookie
    url = resp.headers["Location"]
    for part in (
        "access_type=offline",
        "prompt=consent",
        "code_challenge=",
        "code_challenge_method=S256",
        "gmail.readonly",
        "state=",
    ):
        assert part in url


def browser_with(cookie: str) -> Any:
    """A browser (test client) holding the consent cookie ``/start`` set."""
    fn = client("oauth")
    fn.set_cookie("lh_consent", cookie)
    return fn


def _started(fn: Any, token: str) -> tuple[str, str]:
    """``POST /start`` as a browser would: the consent URL and the cookie it set."""
    resp = fn.post("/start", data={"id_token": token})
    return resp.headers["Location"], resp.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def _consented(pipeline: Pipeline, url: str, address: str) -> str:
    """The fake Google's consent for ``address``; returns the callback path with its query."""
    requests.post(f"{pipeline.fake.url}/_fake/consent", json={"address": address}, timeout=5)
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    return "/callback?" + location.split("?", 1)[1]


def test_consent_link_sent_to_another_browser_changes_nothing(pipeline: Pipeline) -> None:
    """User M starts a connection and sends the consent link to the mailbox's owner: the
    owner's browser has no cookie of M's, so the callback is 400 and nothing changes."""
    attackers_browser, victims_browser = client("oauth"), client("oauth")  # own cookie jars
    attacker = pipeline.token("fake-client", "owner@example.com")  # an allow-listed user
    url, attackers_cookie = _started(attackers_browser, attacker)
    callback = _consented(pipeline, url, pipeline.mailbox)
    victim = victims_browser.get(callback)  # the owner's browser: no cookie of the attacker's
    assert victim.status_code == 400
    assert "not started in this browser" in victim.get_json()["error"]["message"]
    assert browser_with("someone-elses").get(callback).status_code == 400
    assert pipeline.deps.accounts.get(pipeline.mailbox) is None
    assert pipeline.pull("TOPIC_SYNC") == []
    # the state was not used up: the browser that started it can still finish
    done = browser_with(attackers_cookie).get(callback)
    assert done.status_code == 302 and "gmail=connected" in done.headers["Location"]


def test_a_mailbox_of_another_user_is_never_rebound(pipeline: Pipeline) -> None:
    pipeline.connect()  # owner@example.com owns it
    first = pipeline.deps.accounts.get(pipeline.mailbox)
    assert first is not None and first.owner == "owner@example.com"
    pipeline.pull("TOPIC_SYNC")
    fn = client("oauth")
    other = pipeline.token("fake-client", "partner@example.com")
    url, cookie = _started(fn, other)
    resp = browser_with(cookie).get(_consented(pipeline, url, pipeline.mailbox))
    assert resp.status_code == 302 and "reason=conflict" in resp.headers["Location"]
    code = consent_code(pipeline.fake.url, pipeline.mailbox, redirect_uri="postmessage")
    by_code = client("api").post(
        "/gmail/token",
        json={"code": code, "redirect_uri": "postmessage"},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert by_code.status_code == 409
    assert "another user" in by_code.get_json()["error"]["message"]
    after = pipeline.deps.accounts.get(pipeline.mailbox)
    assert after == first  # owner, secret and cursor untouched
    assert pipeline.pull("TOPIC_SYNC") == []
    # the same owner reconnecting works
    assert pipeline.connect() == pipeline.mailbox


def test_work_on_an_old_connection_never_flags_a_reconnected_mailbox(pipeline: Pipeline) -> None:
    """A sync still holding the revoked token fails after the owner reconnected: the new
    connection stays connected (it used to flip back to needs_reauth)."""
    from shared.services.sync import mark_needs_reauth  # noqa: PLC0415

    pipeline.connect()
    old = pipeline.deps.accounts.get(pipeline.mailbox)
    assert old is not None
    pipeline.connect()  # reconnect: a new connection
    mark_needs_reauth(pipeline.deps, old, "refresh token was revoked")
    now = pipeline.deps.accounts.get(pipeline.mailbox)
    assert now is not None and now.state == "connected" and now.connected_at != old.connected_at
    mark_needs_reauth(pipeline.deps, now, "refresh token was revoked")  # the current one does
    flagged = pipeline.deps.accounts.get(pipeline.mailbox)
    assert flagged is not None and flagged.state == "needs_reauth"
