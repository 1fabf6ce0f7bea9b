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
    ForbiddenError,
    GmailUnavailableError,
    RetryableError,
    ScopeMissingError,
    ValidationError,
)
from shared.gmail.client import SCOPES
from shared.logs import get_logger
from shared.ports import (
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsOAuthStates,
    HoldsPending,
    HoldsRetries,
    HoldsSecrets,
    Publishes,
    ReachesGmail,
)
from shared.records import Pending
from shared.types import Sdk


class Ports(
    Configured,
    HoldsOAuthStates,
    HoldsSecrets,
    HoldsAccounts,
    Publishes,
    ReachesGmail,
    HoldsRetries,
    HoldsBatches,
    HoldsPending,
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


def exchange(deps: Ports, code: str, redirect_uri: str | None, verifier: str | None) -> Sdk:
    """The credentials an authorization code grants, with the Gmail scope checked (Google's
    granular consent lets a user untick it: the token response lists what was granted)."""
    if not code or len(code) > 2048:
        raise ValidationError(
            "missing authorization code", details={"fields": {"code": "required"}}
        )
    flow = _flow(deps, redirect_uri, verifier)
    if verifier is None:
        flow.autogenerate_code_verifier = False  # a code client's code has no PKCE verifier of ours
    try:
        flow.fetch_token(code=code)
    except Warning as exc:  # oauthlib: the granted scopes are not exactly the requested ones
        _accept_changed_scopes(flow, exc)
    except OAuth2Error as exc:
        # The code is well formed but Google refuses it: a refused credential, not bad input.
        raise ForbiddenError(f"authorization code rejected ({exc.error})") from exc
    except OSError as exc:
        raise GmailUnavailableError("token endpoint unreachable") from exc
    granted = flow.oauth2session.token.get("scope") or []
    granted = set(granted.split() if isinstance(granted, str) else granted)
    if not set(SCOPES) <= granted:
        raise ScopeMissingError("Gmail access was not granted; nothing was connected")
    creds = flow.credentials
    if not creds.refresh_token:
        raise ValidationError("Google returned no refresh token")
    return creds


def _accept_changed_scopes(flow: Flow, changed: Warning) -> None:
    """oauthlib refuses any token whose scopes differ from those asked for; Google adds the
    scopes the user granted this client before (``openid``, userinfo). Any superset of the
    needed scopes is accepted (its token kept on the session); fewer is ``ScopeMissingError``."""
    token, scopes = getattr(changed, "token", None), getattr(changed, "new_scope", None)
    if not isinstance(token, dict) or not set(SCOPES) <= set(scopes or ()):
        raise ScopeMissingError("Gmail access was not granted; nothing was connected")
    flow.oauth2session.token = token


def complete(
    deps: Ports, code: str, state: str, browser_key: str, redirect_uri: str | None = None
) -> Pending:
    """The OAuth callback: check the single-use state and that this browser started it
    (``browser_key``: the ``/start`` cookie), exchange the code and keep the grant as a
    pending connection. Nothing is bound here: the signed-in user who started it confirms
    it (:func:`confirm`), so a consent forced on someone else's browser binds nothing.

    Raises:
        ValidationError: missing, expired, reused or forged state, another browser's consent.
        ForbiddenError: Google refused the code; ``ScopeMissingError`` without Gmail access.
    """
    if not code or len(code) > 2048:
        raise ValidationError("missing authorization code")
    grant = deps.oauth_states.consume(state, utcnow(), browser_hash(browser_key))
    creds = exchange(deps, code, redirect_uri, grant.code_verifier)
    mailbox, _ = patiently(deps.gmail_with(creds).profile)
    pending_id = pysecrets.token_urlsafe(24)
    secret_name = deps.secrets.put(f"pending:{pending_id}", creds.refresh_token)
    pending = Pending(pending_id, grant.user.lower(), mailbox, secret_name)
    deps.pending.create(pending, utcnow())
    log.info("consent granted, waiting for confirmation", extra={"fields": {"mailbox": mailbox}})
    return pending
