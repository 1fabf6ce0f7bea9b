"""Bad callers and bad bodies at the HTTP entry points: webhook, scheduler, OAuth callback."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from functions_framework import create_app
from google.cloud.firestore import FieldFilter

from shared.clock import utcnow
from tests.helpers import consent_code
from tests.integration.pipeline.conftest import PUSH_SA, SCHED_SA, Pipeline

ROOT = Path(__file__).resolve().parents[3]
FROM_FRONT = {"Origin": "http://localhost:5173"}  # the frontend's own origin (FRONTEND_ORIGINS)


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


def _part(token: str, n: int) -> str:
    piece = token.split(".")[n]
    return piece + "=" * (-len(piece) % 4)


def _with_claims(token: str, claims: dict[str, Any]) -> str:
    """A signature-removed token whose claims were changed (``NaN`` times included)."""
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{token.split('.', maxsplit=1)[0]}.{body}.SIGNATURE_REMOVED_BY_GOOGLE"


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
    resp = client("oauth").post("/start", data={"id_token": removed(owner)}, headers=FROM_FRONT)
    assert resp.status_code == 303 and "reason=unauthenticated" in resp.headers["Location"]
    assert client("api").get("/gmail/status", headers=unsigned).status_code == 401
    signed = {"Authorization": f"Bearer {owner}"}
    assert client("api").get("/gmail/status", headers=signed).status_code == 200


@pytest.mark.parametrize("name", ["retry_failed", "scheduled_tasks"])
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
    fn = client("scheduled_tasks")
    auth = {"Authorization": f"Bearer {pipeline.token('https://hooks.test/renew', SCHED_SA)}"}
    assert fn.post("/", json={"task": "sync"}, headers=auth).get_json() == {"synced": 1}
    assert fn.post("/", json={"task": "audit"}, headers=auth).get_json() == {"audits": 1}
    triggers = sorted(m["trigger"] for m in pipeline.pull("TOPIC_SYNC"))
    assert triggers == ["audit", "scheduled"]
    for body in ({"task": "everything"}, {"task": 7}, ["audit"]):
        resp = fn.post("/", json=body, headers=auth)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_argument"
    huge = fn.post("/", data=b'{"task": "' + b"a" * 5000 + b'"}', headers=auth)
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "payload_too_large"
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
    for case, path in cases.items():  # back on the frontend with the reason, never a JSON page
        resp = fn.get(path)
        assert resp.status_code == 303, case
        assert "gmail=error&reason=invalid_argument" in resp.headers["Location"], case
    mailbox = pipeline.connect()  # a good flow works, and its state is now used
    used_q = deps.db.collection("oauth_states").where(filter=FieldFilter("used", "==", True))
    used = next(iter(used_q.stream())).id
    again = fn.get(f"/callback?code=abc&state={used}")
    assert again.status_code == 303 and "reason=invalid_argument" in again.headers["Location"]
    assert deps.accounts.get(mailbox) is not None
    assert [d.id for d in deps.db.collection("accounts").stream()] == [mailbox]


def test_oauth_start_needs_an_allowed_user_and_sets_the_browser_cookie(
    pipeline: Pipeline,
) -> None:
    fn = client("oauth")
    assert fn.get("/start").status_code == 405  # only a top-level form POST

    def refused(data: dict[str, str], headers: dict[str, str]) -> str:
        resp = fn.post("/start", data=data, headers=headers)
        assert resp.status_code == 303 and "gmail=error" in resp.headers["Location"]
        return str(resp.headers["Location"]).rpartition("reason=")[2]

    owner = pipeline.token("fake-client", "owner@example.com")
    stranger = pipeline.token("fake-client", "stranger@example.com")
    assert refused({}, FROM_FRONT) == "unauthenticated"
    assert refused({"id_token": stranger}, FROM_FRONT) == "permission_denied"
    # a form posted from another site (a forced start), or with no Origin at all
    assert refused({"id_token": owner}, {"Origin": "https://attacker.example"}) == "origin_refused"
    assert refused({"id_token": owner}, {}) == "origin_refused"
    resp = fn.post("/start", data={"id_token": owner}, headers=FROM_FRONT)
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
    resp = fn.post("/start", data={"id_token": token}, headers=FROM_FRONT)
    return resp.headers["Location"], resp.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def _consented(pipeline: Pipeline, url: str, address: str, answer: str = "allow") -> str:
    """The fake Google's consent for ``address``; returns the callback path with its query."""
    body = {"address": address, "answer": answer}
    requests.post(f"{pipeline.fake.url}/_fake/consent", json=body, timeout=5)
    location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
    return "/callback?" + location.split("?", 1)[1]


def _pending_id(resp: Any) -> str:
    return str(parse_qs(urlsplit(resp.headers["Location"]).query)["pending"][0])


def test_a_forced_start_binds_nothing(pipeline: Pipeline) -> None:
    """The attacker's page starts a connection with the attacker's own token in the
    victim's browser (had the Origin check let it through): the victim consents, but only
    the user who started can confirm; the victim's frontend confirms with the victim's token,
    which discards the pending connection. Nothing is bound to anyone."""
    victims_browser = client("oauth")
    attacker = pipeline.token("fake-client", "partner@example.com")
    url, cookie = _started(victims_browser, attacker)
    back = browser_with(cookie).get(_consented(pipeline, url, pipeline.mailbox))
    assert back.status_code == 303 and f"mailbox={pipeline.mailbox}".replace("@", "%40") in str(
        back.headers["Location"]
    )
    pending = _pending_id(back)
    victim = pipeline.token("fake-client", "owner@example.com")
    api = client("api")
    refused = api.post(
        f"/gmail/connections/{pending}", headers={"Authorization": f"Bearer {victim}"}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "started_by_another"
    gone = api.post(
        f"/gmail/connections/{pending}", headers={"Authorization": f"Bearer {attacker}"}
    )
    assert gone.status_code == 404  # discarded: the attacker cannot use it either
    assert pipeline.deps.accounts.get(pipeline.mailbox) is None
    assert pipeline.pull("TOPIC_SYNC") == []


@pytest.mark.parametrize(
    ("answer", "reason"), [("deny", "access_denied"), ("no_gmail", "scope_missing")]
)
def test_cancel_or_an_unticked_scope_ends_on_the_frontend(
    pipeline: Pipeline, answer: str, reason: str
) -> None:
    fn = client("oauth")
    owner = pipeline.token("fake-client", "owner@example.com")
    url, cookie = _started(fn, owner)
    back = browser_with(cookie).get(_consented(pipeline, url, pipeline.mailbox, answer))
    assert back.status_code == 303
    assert f"gmail=error&reason={reason}" in back.headers["Location"]
    assert back.headers["Location"].startswith("http://localhost:5173")
    assert pipeline.deps.accounts.get(pipeline.mailbox) is None
    assert list(pipeline.deps.db.collection("pending_connections").stream()) == []


def test_consent_link_sent_to_another_browser_changes_nothing(pipeline: Pipeline) -> None:
    """User M starts a connection and sends the consent link to the mailbox's owner: the
    owner's browser has no cookie of M's, so the callback refuses it and nothing changes."""
    attackers_browser, victims_browser = client("oauth"), client("oauth")  # own cookie jars
    attacker = pipeline.token("fake-client", "owner@example.com")  # an allow-listed user
    url, attackers_cookie = _started(attackers_browser, attacker)
    callback = _consented(pipeline, url, pipeline.mailbox)
    victim = victims_browser.get(callback)  # the owner's browser: no cookie of the attacker's
    assert victim.status_code == 303 and "reason=invalid_argument" in victim.headers["Location"]
    other = browser_with("someone-elses").get(callback)
    assert "reason=invalid_argument" in other.headers["Location"]
    assert pipeline.deps.accounts.get(pipeline.mailbox) is None
    assert pipeline.pull("TOPIC_SYNC") == []
    # the state was not used up: the browser that started it can still finish
    done = browser_with(attackers_cookie).get(callback)
    assert done.status_code == 303 and "gmail=pending" in done.headers["Location"]


def test_a_mailbox_of_another_user_is_never_rebound(pipeline: Pipeline) -> None:
    pipeline.connect()  # owner@example.com owns it
    first = pipeline.deps.accounts.get(pipeline.mailbox)
    assert first is not None and first.owner == "owner@example.com"
    pipeline.pull("TOPIC_SYNC")
    fn = client("oauth")
    other = pipeline.token("fake-client", "partner@example.com")
    url, cookie = _started(fn, other)
    resp = browser_with(cookie).get(_consented(pipeline, url, pipeline.mailbox))
    assert resp.status_code == 303 and "gmail=pending" in resp.headers["Location"]
    confirmed = client("api").post(
        f"/gmail/connections/{_pending_id(resp)}", headers={"Authorization": f"Bearer {other}"}
    )
    assert (
        confirmed.status_code == 409 and "another user" in confirmed.get_json()["error"]["message"]
    )
    code = consent_code(pipeline.fake.url, pipeline.mailbox, redirect_uri="postmessage")
    by_code = client("api").post(
        "/gmail/token",
        json={"code": code, "redirectUri": "postmessage"},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert by_code.status_code == 409
    assert "another user" in by_code.get_json()["error"]["message"]
    after = pipeline.deps.accounts.get(pipeline.mailbox)
    assert after == first  # owner, secret and cursor untouched
    # the owner's token still works: the conflicting grant was dropped, never revoked (the
    # fake, like Google, revokes every token of a user's grant when one is revoked)
    owners_token = pipeline.deps.secrets.get(first.secret_name)
    refreshed = requests.post(
        f"{pipeline.fake.url}/token",
        data={"grant_type": "refresh_token", "refresh_token": owners_token},
        timeout=10,
    )
    assert refreshed.status_code == 200, refreshed.text
    assert pipeline.pull("TOPIC_SYNC") == []
    # the same owner reconnecting works
    assert pipeline.connect() == pipeline.mailbox


def test_work_on_an_old_connection_never_flags_a_reconnected_mailbox(pipeline: Pipeline) -> None:
    """A sync still holding the revoked token fails after the owner reconnected: the new
    connection stays connected (it used to flip back to needs_reauth)."""
    from shared.services.mailbox.account_state import mark_needs_reauth  # noqa: PLC0415

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


def test_work_on_a_disconnected_mailbox_never_flags_it(pipeline: Pipeline) -> None:
    """A chunk in flight when the owner disconnects meets invalid_grant: the mailbox ends
    ``disconnected`` (it used to end ``needs_reauth``) and another user may connect it."""
    from shared.services.mailbox.account_state import mark_needs_reauth  # noqa: PLC0415
    from shared.services.mailbox.disconnect import disconnect  # noqa: PLC0415

    pipeline.connect()
    in_flight = pipeline.deps.accounts.get(pipeline.mailbox)
    assert in_flight is not None
    disconnect(pipeline.deps, in_flight)
    mark_needs_reauth(pipeline.deps, in_flight, "refresh token was revoked")
    after = pipeline.deps.accounts.get(pipeline.mailbox)
    assert after is not None and after.state == "disconnected"
    fn = client("oauth")
    other = pipeline.token("fake-client", "partner@example.com")
    url, cookie = _started(fn, other)
    resp = browser_with(cookie).get(_consented(pipeline, url, pipeline.mailbox))
    confirmed = client("api").post(
        f"/gmail/connections/{_pending_id(resp)}", headers={"Authorization": f"Bearer {other}"}
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    now = pipeline.deps.accounts.get(pipeline.mailbox)
    assert now is not None and now.owner == "partner@example.com"


@pytest.mark.parametrize("name", ["sync_mailbox", "process_emails", "process_live"])
def test_pubsub_functions_run_only_for_pubsub_push(pipeline: Pipeline, name: str) -> None:
    """A POST that reaches a Pub/Sub-driven function (through a misconfigured invoker, or
    from inside the project) does nothing without the push account's token for its URL; a
    token with non-finite times is refused too. Before, a POST without Authorization ran a
    backfill."""
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")
    before = pipeline.deps.accounts.get(pipeline.mailbox)
    job = {"mailbox": pipeline.mailbox, "trigger": "backfill", "full": True}
    if name != "sync_mailbox":
        job = {"mailbox": pipeline.mailbox, "batch_id": "b-1", "ids": ["x1"], "trigger": "manual"}
    fn = create_app(name, str(ROOT / "functions" / name / "main.py"), "cloudevent").test_client()
    audience = "https://hooks.test/sync"
    claims = json.loads(base64.urlsafe_b64decode(_part(pipeline.token(audience, PUSH_SA), 1)))
    nan = _with_claims(pipeline.token(audience, PUSH_SA), {**claims, "exp": float("nan")})
    cases = {
        "none": ({}, 401),
        "forged": ({"Authorization": "Bearer a.b.c"}, 401),
        "not finite": ({"Authorization": f"Bearer {nan}"}, 401),
        "other audience": (
            {"Authorization": f"Bearer {pipeline.token('https://x', PUSH_SA)}"},
            401,
        ),
        "other account": ({"Authorization": f"Bearer {pipeline.token(audience, SCHED_SA)}"}, 403),
    }
    for case, (headers, status) in cases.items():
        resp = fn.post("/", json=envelope(job), headers=headers)
        assert resp.status_code == status, (case, resp.status_code)
    assert pipeline.pull("TOPIC_SYNC") == [] and pipeline.pull("TOPIC_BATCHES") == []
    assert pipeline.deps.accounts.get(pipeline.mailbox) == before
    good = {"Authorization": f"Bearer {pipeline.token(audience, PUSH_SA)}"}
    assert fn.post("/", json=envelope(job), headers=good).status_code == 200


def pending_consent(p: Pipeline, user: str) -> tuple[str, str]:
    """A consent of ``user`` for the test's mailbox, waiting for confirmation (the browser
    started it, Google consented): its pending id and the user's ID token."""
    token = p.token("fake-client", user)
    url, cookie = _started(client("oauth"), token)
    back = browser_with(cookie).get(_consented(p, url, p.mailbox))
    assert back.status_code == 303 and "gmail=pending" in back.headers["Location"]
    return _pending_id(back), token


def test_scopes_granted_before_beside_gmails_still_connect(pipeline: Pipeline) -> None:
    """Google lists scopes the user granted this client earlier in the token response;
    oauthlib then raised its scope Warning and the callback refused a full consent."""
    pipeline.faults(granted_before=["openid", "https://www.googleapis.com/auth/userinfo.email"])
    pending, owner = pending_consent(pipeline, "owner@example.com")
    confirmed = client("api").post(
        f"/gmail/connections/{pending}", headers={"Authorization": f"Bearer {owner}"}
    )
    assert confirmed.status_code == 200
    account = pipeline.deps.accounts.get(pipeline.mailbox)
    assert account is not None and account.state == "connected"


def test_a_push_without_attributes_is_processed(pipeline: Pipeline) -> None:
    """Pub/Sub's push omits ``attributes`` when a message has none (ours have none), and
    sends both spellings of the id and time."""
    pipeline.connect()
    pipeline.pull("TOPIC_SYNC")
    pipeline.pull("TOPIC_BATCHES")
    pipeline.deliver(b"From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n")
    job = {"mailbox": pipeline.mailbox, "trigger": "backfill", "full": True}
    body = envelope(job)
    body["message"] |= {"message_id": "1", "publishTime": "2026-12-07T10:00:00.000Z"}
    body["message"]["publish_time"] = body["message"]["publishTime"]
    assert "attributes" not in body["message"]
    fn = create_app("sync_mailbox", str(ROOT / "functions/sync_mailbox/main.py"), "cloudevent")
    good = {"Authorization": f"Bearer {pipeline.token('https://hooks.test/sync', PUSH_SA)}"}
    assert fn.test_client().post("/", json=body, headers=good).status_code == 200
    [chunk] = pipeline.chunk_jobs()
    assert len(chunk.ids) == 1  # the sync ran: its backfill queued the email
