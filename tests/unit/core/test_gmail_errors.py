"""Gmail's errors as it words them: when to come back, and which policy blocks a mailbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httplib2
import pytest
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from infra.local.fake_google.quota import concurrency_error, daily_limit_error
from shared.errors import (
    ClientRejectedError,
    ConfigError,
    GmailRateLimitError,
    MailboxBlockedError,
)
from shared.gmail.errors import QUOTA_DAY_ZONE, map_error, quota_day_end

NOW = datetime.now(UTC)


def _http_error(status: int, reason: str, message: str, **headers: str) -> HttpError:
    resp = httplib2.Response({"status": str(status), **headers})
    body = {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}
    return HttpError(resp, json.dumps(body).encode())


def test_retry_after_from_gmails_text() -> None:
    at = (NOW + timedelta(minutes=15)).isoformat()[:23] + "Z"
    text = f"User-rate limit exceeded.  Retry after {at}"
    error = map_error(_http_error(429, "rateLimitExceeded", text), "messages.get")
    assert isinstance(error, GmailRateLimitError) and error.retry_at is not None
    assert abs((error.retry_at - NOW).total_seconds() - 900) < 5


@pytest.mark.parametrize(
    "header", ["120", (NOW + timedelta(seconds=120)).strftime("%a, %d %b %Y %H:%M:%S GMT")]
)
def test_retry_after_from_the_header(header: str) -> None:
    error = map_error(_http_error(429, "", "Too many", **{"retry-after": header}), "x")
    assert isinstance(error, GmailRateLimitError) and error.retry_at is not None
    late = (datetime.now(UTC) - NOW).total_seconds()  # "120" counts from the answer
    assert 100 < (error.retry_at - NOW).total_seconds() < 130 + late


def test_a_past_or_absurd_retry_time_is_bounded() -> None:
    past = map_error(
        _http_error(429, "rateLimitExceeded", "Retry after 2020-01-21T12:57:51.196Z"), "x"
    )
    assert isinstance(past, GmailRateLimitError) and past.retry_at is None
    asked = datetime.now(UTC)
    far = map_error(_http_error(429, "", "x", **{"retry-after": "99999999"}), "x")
    assert isinstance(far, GmailRateLimitError) and far.retry_at is not None
    assert far.retry_at - asked <= timedelta(hours=24, seconds=5)  # a day at most


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (403, "domainPolicy", "The domain administrators have disabled Gmail apps."),
        (400, "failedPrecondition", "Mail service not enabled"),
        (403, "insufficientPermissions", "Request had insufficient authentication scopes."),
    ],
)
def test_workspace_policies_block_the_mailbox(status: int, reason: str, message: str) -> None:
    error = map_error(_http_error(status, reason, message), "history.list")
    assert isinstance(error, MailboxBlockedError) and error.code == "blocked"


def test_a_project_without_the_gmail_api_is_a_configuration_error() -> None:
    error = map_error(_http_error(403, "accessNotConfigured", "Gmail API has not been used"), "x")
    assert isinstance(error, ConfigError)


def test_a_quota_403_is_a_rate_limit_not_a_block() -> None:
    text = "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'"
    assert isinstance(
        map_error(_http_error(403, "rateLimitExceeded", text), "x"), GmailRateLimitError
    )


def test_the_concurrency_429_is_a_rate_limit_without_a_hold() -> None:
    body = concurrency_error()
    resp = httplib2.Response({"status": "429"})
    error = map_error(HttpError(resp, json.dumps(body).encode()), "messages.get")
    assert isinstance(error, GmailRateLimitError)
    assert error.retry_at is None  # no time given: fetched again in the next round


def test_daily_limit_holds_until_midnight_pacific() -> None:
    body = daily_limit_error()
    resp = httplib2.Response({"status": "403"})
    error = map_error(HttpError(resp, json.dumps(body).encode()), "messages.get")
    assert isinstance(error, GmailRateLimitError) and error.retry_at is not None
    local = error.retry_at.astimezone(QUOTA_DAY_ZONE)
    assert (local.hour, local.minute) == (0, 0)
    assert timedelta(0) < error.retry_at - datetime.now(UTC) <= timedelta(hours=24)


@pytest.mark.parametrize(
    ("now", "reset"),
    [
        (datetime(2026, 12, 2, 7, 59, tzinfo=UTC), datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),
        (datetime(2026, 12, 2, 8, 0, tzinfo=UTC), datetime(2026, 12, 3, 8, 0, tzinfo=UTC)),
        # the night summer time starts in California: the day is 23 hours long
        (datetime(2026, 3, 8, 9, 0, tzinfo=UTC), datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),
    ],
)
def test_quota_day_end_is_the_next_pacific_midnight(now: datetime, reset: datetime) -> None:
    assert quota_day_end(now) == reset


@pytest.mark.parametrize("header", ["1e12", "9" * 5_000, "²", "-5", "12.5", "soon", " "])
def test_a_retry_after_that_is_neither_seconds_nor_a_date_is_ignored(header: str) -> None:
    """RFC 9110: delay-seconds (ASCII digits) or an HTTP-date; these raised before."""
    error = map_error(
        _http_error(429, "rateLimitExceeded", "Too many", **{"retry-after": header}), "x"
    )
    assert isinstance(error, GmailRateLimitError) and error.retry_at is None


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("invalid_client: The OAuth client was not found.", "invalid_client"),
        ("unauthorized_client: Unauthorized", "unauthorized_client"),
    ],
)
def test_a_refused_oauth_client_is_a_configuration_error_not_gmails(
    text: str, refusal: str
) -> None:
    error = map_error(RefreshError(text, {"error": refusal}), "messages.get")
    assert isinstance(error, ClientRejectedError)
    assert error.message.startswith(ClientRejectedError.REASON) and refusal in error.message
