"""Connecting a mailbox on in-memory fakes: the consent URL and its state, the callback that
only keeps a pending grant, the starter's confirmation, and binding (label, token, watch,
backfill). Google's token endpoint is the one thing replaced: the e2e tier talks to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.errors import (
    ConflictError,
    NotFoundError,
    StartedByAnotherError,
    ValidationError,
)
from shared.events import SyncJob
from shared.records import Failure
from shared.services.mailbox import connect
from shared.services.mailbox.bind import confirm
from shared.services.mailbox.connect import browser_hash, complete, consent_url
from tests.fakes import stores
from tests.fakes.deps import LABEL, MAILBOX, OWNER, Deps, account, settings

OAUTH = {
    "OAUTH_CLIENT_ID": "client-1",
    "OAUTH_CLIENT_SECRET": "s",
    "OAUTH_REDIRECT_URI": "https://oauth.example/callback",
}
BROWSER = "cookie-of-the-starter-browser"
STARTER = "Starter@Example.com"
NOW = datetime.now(UTC)


@pytest.fixture
def deps() -> Deps:
    """No mailbox connected yet; the mailbox has the lead label under its usual name."""
    fresh = Deps(settings=settings(**OAUTH), accounts=stores.Accounts())
    fresh.gmail.names[LABEL] = "Processed lead"
    return fresh


@pytest.fixture(autouse=True)
def token_endpoint(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Google's code exchange: any code grants a refresh token; the verifiers sent are kept."""
    verifiers: list[str | None] = []

    def exchange(_deps: object, code: str, _uri: str | None, verifier: str | None) -> object:
        verifiers.append(verifier)
        return SimpleNamespace(refresh_token=f"refresh-for-{code}")

    monkeypatch.setattr(connect, "exchange", exchange)
    return verifiers


def _state(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


def test_the_consent_url_asks_offline_access_with_pkce_and_a_state_bound_to_the_browser(
    deps: Deps,
) -> None:
    url = consent_url(deps, STARTER, BROWSER)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://accounts.google.com/o/oauth2/auth?")
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["client-1"]
    [row] = deps.oauth_states.rows.values()
    assert row["browser"] == browser_hash(BROWSER) and BROWSER not in str(row)


def test_the_callback_keeps_a_pending_grant_and_binds_nothing(
    deps: Deps, token_endpoint: list[str | None]
) -> None:
    state = _state(consent_url(deps, STARTER, BROWSER))
    pending = complete(deps, "code-1", state, BROWSER)
    assert (pending.user, pending.mailbox) == (STARTER.lower(), MAILBOX)
    assert deps.secrets.get(pending.secret_name) == "refresh-for-code-1"
    assert deps.accounts.rows == {} and deps.publisher.jobs == []
    [grant] = [row["grant"] for row in deps.oauth_states.rows.values()]
    assert token_endpoint == [grant.code_verifier]  # the PKCE verifier of this state


def test_a_state_is_used_once_and_only_from_the_browser_that_started_it(deps: Deps) -> None:
    state = _state(consent_url(deps, STARTER, BROWSER))
    with pytest.raises(ValidationError, match="not started in this browser"):
        complete(deps, "code-1", state, "an-attacker's-cookie")
    assert deps.pending.rows == {}
    complete(deps, "code-1", state, BROWSER)  # the refusal did not use it up
    with pytest.raises(ValidationError, match="used"):
        complete(deps, "code-1", state, BROWSER)
    assert len(deps.pending.rows) == 1


def test_an_expired_or_unknown_state_is_refused(deps: Deps) -> None:
    old = datetime.now(UTC) - timedelta(minutes=11)
    deps.oauth_states.create("old-state", STARTER, "v", old, browser_hash(BROWSER))
    for state in ("old-state", "never-issued"):
        with pytest.raises(ValidationError):
            complete(deps, "code-1", state, BROWSER)
    assert deps.pending.rows == {} and deps.secrets.values == {}


def test_the_starter_confirms_and_the_mailbox_is_bound_watched_and_backfilled(
    deps: Deps,
) -> None:
    pending = complete(deps, "code-1", _state(consent_url(deps, STARTER, BROWSER)), BROWSER)
    assert confirm(deps, STARTER, pending.id) == MAILBOX
    row = deps.accounts.rows[MAILBOX]
    assert (row.state, row.owner, row.label_id) == ("connected", STARTER.lower(), LABEL)
    assert row.history_id == deps.gmail.history_id and deps.gmail.calls["watch"] == 1
    assert deps.secrets.get(row.secret_name) == "refresh-for-code-1"
    assert pending.secret_name not in deps.secrets.values  # the pending copy is gone
    assert deps.publisher.jobs == [("sync", SyncJob(MAILBOX, "backfill", full=True))]


def test_someone_else_cannot_confirm_a_grant_they_did_not_start(deps: Deps) -> None:
    pending = complete(deps, "code-1", _state(consent_url(deps, STARTER, BROWSER)), BROWSER)
    with pytest.raises(StartedByAnotherError):
        confirm(deps, "attacker@example.com", pending.id)
    assert deps.accounts.rows == {} and deps.secrets.values == {}
    with pytest.raises(NotFoundError):  # discarded: the starter must consent again
        confirm(deps, STARTER, pending.id)


def test_a_mailbox_connected_by_another_user_is_not_taken_over(deps: Deps) -> None:
    deps.accounts.save(account())  # connected by OWNER
    pending = complete(deps, "code-1", _state(consent_url(deps, STARTER, BROWSER)), BROWSER)
    with pytest.raises(ConflictError):
        confirm(deps, STARTER, pending.id)
    assert deps.accounts.rows[MAILBOX].owner == OWNER and deps.secrets.values == {}
    assert deps.publisher.jobs == [] and "watch" not in deps.gmail.calls


def test_reconnecting_keeps_the_cursor_and_takes_parked_emails_back(deps: Deps) -> None:
    deps.accounts.save(account(state="needs_reauth", history_id=42))
    deps.retries.fail(MAILBOX, "b1", "c00000", Failure("m1", "X", "x"), NOW, owner=OWNER)
    deps.retries.parked(deps.retries.for_mailbox(MAILBOX, "pending"), NOW)
    assert len(deps.retries.for_mailbox(MAILBOX, "parked")) == 1
    pending = complete(deps, "code-2", _state(consent_url(deps, OWNER, BROWSER)), BROWSER)
    confirm(deps, OWNER, pending.id)
    row = deps.accounts.rows[MAILBOX]
    assert (row.state, row.history_id) == ("connected", 42)  # no mail skipped
    assert deps.forgotten == [MAILBOX]  # the old connection's cached client is dropped
    assert deps.retries.for_mailbox(MAILBOX, "parked") == []
    assert len(deps.retries.for_mailbox(MAILBOX, "pending")) == 1


def test_a_mailbox_without_the_lead_label_is_not_bound(deps: Deps) -> None:
    deps.gmail.names.clear()
    pending = complete(deps, "code-1", _state(consent_url(deps, STARTER, BROWSER)), BROWSER)
    with pytest.raises(NotFoundError, match="Processed lead"):
        confirm(deps, STARTER, pending.id)
    assert deps.accounts.rows == {} and deps.secrets.values == {}
