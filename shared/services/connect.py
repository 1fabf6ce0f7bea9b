"""Connecting a mailbox: consent URL (PKCE, single-use state), code exchange, watch, backfill."""

from __future__ import annotations

import hashlib
import secrets as pysecrets
from collections.abc import Callable
from typing import Protocol, TypeVar

from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from shared.backoff import Backoff
from shared.clock import utcnow
from shared.errors import (
    ConflictError,
    ForbiddenError,
    GmailUnavailableError,
    NotFoundError,
    RetryableError,
    ValidationError,
)
from shared.events import SyncJob
from shared.gmail.client import SCOPES
from shared.gmail.gateway import normalise_label
from shared.gmail.grants import revoke_grant
from shared.logs import get_logger
from shared.ports import (
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsOAuthStates,
    HoldsRetries,
    HoldsSecrets,
    Publishes,
    ReachesGmail,
)
from shared.services.renew import gmail_topic
from shared.services.retry import unpark
from shared.store.accounts import Account
from shared.types import JsonObject


class Ports(
    Configured,
    HoldsOAuthStates,
    HoldsSecrets,
    HoldsAccounts,
    Publishes,
    ReachesGmail,
    HoldsRetries,
    HoldsBatches,
    Protocol,
):
    """What connect uses of the composition root."""


log = get_logger("connect")
T = TypeVar("T")


def _flow(deps: Ports, redirect_uri: str | None = None, verifier: str | None = None) -> Flow:
    s = deps.settings
    config = {
        "web": {
            "client_id": s.oauth_client_id,
            "client_secret": s.oauth_client_secret,
            "auth_uri": s.oauth_auth_uri,
            "token_uri": s.oauth_token_uri,
        }
    }
    return Flow.from_client_config(
        config,
        scopes=list(SCOPES),
        redirect_uri=redirect_uri or s.require("OAUTH_REDIRECT_URI"),
        code_verifier=verifier,
        autogenerate_code_verifier=True,
    )


def start_url(deps: Ports) -> str:
    """Where the browser goes (a top-level form POST with the user's ID token) to connect."""
    return deps.settings.require("OAUTH_REDIRECT_URI").removesuffix("/callback") + "/start"


def browser_hash(browser_key: str) -> str:
    """What a state stores of the browser cookie that binds it (never the cookie itself)."""
    return hashlib.sha256(browser_key.encode()).hexdigest()


def consent_url(deps: Ports, user: str, browser_key: str) -> str:
    """Google's consent URL for ``user``: offline access, forced consent, PKCE, one state,
    bound to the browser holding ``browser_key`` (the cookie ``/start`` sets)."""
    flow = _flow(deps)
    state = pysecrets.token_urlsafe(32)
    url, _ = flow.authorization_url(
        access_type="offline", prompt="consent", state=state, include_granted_scopes="false"
    )
    hashed = browser_hash(browser_key)
    deps.oauth_states.create(state, user, str(flow.code_verifier), utcnow(), hashed)
    return str(url)


USER_WAITS = Backoff(base_s=0.2, cap_s=2.0, attempts=5)


def patiently(call: Callable[[], T]) -> T:
    """Retry a Gmail call on transient errors (the user is waiting on this request)."""
    return USER_WAITS.call(call, (RetryableError,))


def _find_label(labels: list[JsonObject], wanted: str) -> JsonObject:
    for label in labels:
        if normalise_label(str(label.get("name", ""))) == normalise_label(wanted):
            return label
    raise NotFoundError(f"no Gmail label named like '{wanted}'")


def complete(
    deps: Ports, code: str, state: str, browser_key: str, redirect_uri: str | None = None
) -> str:
    """The OAuth callback: check the single-use state and that this browser started it
    (``browser_key``: the ``/start`` cookie), then connect; returns the mailbox.

    Raises:
        ValidationError: missing, expired, reused or forged state, another browser's consent.
        ForbiddenError: Google refused the code.
        ConflictError: the mailbox is connected by another user.
        NotFoundError: the mailbox has no label matching ``LEAD_LABEL``.
    """
    if not code or len(code) > 2048:
        raise ValidationError("missing authorization code")
    grant = deps.oauth_states.consume(state, utcnow(), browser_hash(browser_key))
    return connect_with_code(deps, grant["user"], code, redirect_uri, grant["code_verifier"])


def connect_with_code(
    deps: Ports, user: str, code: str, redirect_uri: str | None, verifier: str | None = None
) -> str:
    """Exchange an authorization code for ``user`` and connect the mailbox it grants."""
    if not code or len(code) > 2048:
        raise ValidationError(
            "missing authorization code", details={"fields": {"code": "required"}}
        )
    flow = _flow(deps, redirect_uri, verifier)
    if verifier is None:
        flow.autogenerate_code_verifier = False  # a code client's code has no PKCE verifier of ours
    try:
        flow.fetch_token(code=code)
    except OAuth2Error as exc:
        # The code is well formed but Google refuses it: a refused credential, not bad input.
        raise ForbiddenError(f"authorization code rejected ({exc.error})") from exc
    except OSError as exc:
        raise GmailUnavailableError("token endpoint unreachable") from exc
    creds = flow.credentials
    if not creds.refresh_token:
        raise ValidationError("Google returned no refresh token")
    gmail = deps.gmail_with(creds)
    mailbox, _ = patiently(gmail.profile)
    previous = deps.accounts.get(mailbox)
    if previous and previous.owner != user.lower() and previous.state != "disconnected":
        revoke_grant(deps.settings.oauth_revoke_uri, creds.refresh_token)  # unused: not kept
        raise ConflictError(
            f"{mailbox} is connected by another user; they must disconnect it first"
        )
    label = _find_label(patiently(gmail.labels), deps.settings.lead_label)
    secret_name = deps.secrets.put(mailbox, creds.refresh_token)
    history_id, expiry = patiently(lambda: gmail.watch(gmail_topic(deps), label["id"]))
    cursor = previous.history_id if previous and previous.history_id else history_id
    deps.accounts.save(
        Account(
            mailbox=mailbox,
            state="connected",
            owner=user.lower(),
            label_id=label["id"],
            label_name=label["name"],
            secret_name=secret_name,
            history_id=cursor,
            watch_expiration=expiry,
            last_sync_at=None,
            connected_at=utcnow(),
        )
    )
    if previous:
        deps.forget_gmail(previous)
    unpark(deps, mailbox)
    topic = deps.settings.topic_sync
    deps.publisher.publish(topic, [SyncJob(mailbox=mailbox, trigger="backfill", full=True)])
    log.info("mailbox connected", extra={"fields": {"mailbox": mailbox, "label": label["id"]}})
    return mailbox
