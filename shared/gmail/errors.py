"""Gmail and OAuth SDK errors mapped onto the project's error tree."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from shared.errors import (
    ClientRejectedError,
    ConfigError,
    GmailRateLimitError,
    GmailUnavailableError,
    InvalidGrantError,
    LeadHarvestError,
    MailboxBlockedError,
    MessageGoneError,
    PermanentError,
)
from shared.types import JsonObject


class HistoryGoneError(PermanentError):
    """The start history id is older than Gmail keeps: a full sync is needed."""

    code = "history_gone"


# Workspace policies and permissions that stop access to one mailbox (the user or the
# domain's administrator can lift them): the mailbox is blocked, not the deployment.
BLOCKED_REASONS = {
    "domainPolicy": "the domain's administrators have disabled Gmail apps",
    "failedPrecondition": "Gmail is not enabled for this account",
    "insufficientPermissions": "the permissions granted do not cover Gmail",
    "ACCESS_TOKEN_SCOPE_INSUFFICIENT": "the permissions granted do not cover Gmail",
}
# The project itself cannot call Gmail (the API is not enabled): fix the deployment.
CONFIG_REASONS = ("accessNotConfigured", "SERVICE_DISABLED")
# The token endpoint refuses the deployment's OAuth client itself (RFC 6749 section 5.2).
CLIENT_ERRORS = ("invalid_client", "unauthorized_client")
RETRY_AFTER_TEXT = re.compile(r"Retry after (\d{4}-\d\d-\d\dT[\d:.]+Z)")
MAX_RETRY_AFTER = timedelta(hours=24)


def _error(exc: HttpError) -> JsonObject:
    try:
        body = json.loads(exc.content or b"{}")
        return dict(body["error"]) if isinstance(body["error"], dict) else {}
    except (ValueError, KeyError, TypeError):
        return {}


def _reasons(error: JsonObject) -> set[str]:
    """Every reason Gmail gave: the legacy ``errors[].reason`` and ``details[].reason``."""
    found = set()
    for key in ("errors", "details"):
        for item in error.get(key) or []:
            if isinstance(item, dict) and item.get("reason"):
                found.add(str(item["reason"]))
    return found


RETRY_AFTER_SECONDS = re.compile(r"[0-9]{1,12}")  # ASCII digits only: not "²", "1e12", 5,000


def retry_after_header(value: str, now: datetime) -> datetime | None:
    """An HTTP ``Retry-After`` (RFC 9110: delay-seconds or an HTTP-date) read defensively:
    a bounded count of ASCII digits, or a date; anything else is ignored (None)."""
    value = value.strip()[:64]
    if RETRY_AFTER_SECONDS.fullmatch(value):
        return now + min(timedelta(seconds=int(value)), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when is not None and when.tzinfo is not None else None


def retry_at(exc: HttpError, now: datetime) -> datetime | None:
    """When Gmail said to try again: the ``Retry-After`` header (seconds or an HTTP date) or
    the "Retry after 2026-01-21T12:57:51.196Z" of a rate-limit message; at most a day."""
    header = str(exc.resp.get("retry-after", "") if exc.resp else "")
    when = retry_after_header(header, now)
    if when is None:
        match = RETRY_AFTER_TEXT.search(str(_error(exc).get("message", ""))[:2_000])
        if match:
            with contextlib.suppress(ValueError):
                when = datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
    if when is None or when.tzinfo is None or when <= now:
        return None
    return min(when, now + MAX_RETRY_AFTER)


QUOTA_DAY_ZONE = ZoneInfo("America/Los_Angeles")  # Google resets daily quotas at its midnight


def quota_day_end(now: datetime) -> datetime:
    """When Google's quota day after ``now`` begins: the next midnight Pacific Time."""
    local = now.astimezone(QUOTA_DAY_ZONE)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(), QUOTA_DAY_ZONE)
    return tomorrow.astimezone(UTC)


def map_error(exc: Exception, what: str) -> LeadHarvestError:
    """The project error for an exception raised by the Gmail client or google-auth."""
    if isinstance(exc, RefreshError):
        if "invalid_grant" in str(exc):
            return InvalidGrantError("the mailbox's refresh token was revoked or expired")
        refused = next((c for c in CLIENT_ERRORS if c in str(exc)), None)
        if refused is not None:
            return ClientRejectedError(
                f"{ClientRejectedError.REASON} Google refused the OAuth client ({refused}): "
                "check OAUTH_CLIENT_ID and its secret"
            )
        return GmailUnavailableError(f"{what}: token refresh failed")
    if isinstance(exc, HttpError):
        status = int(exc.resp.status)
        reasons = _reasons(_error(exc))
        reason = min(reasons, default="")
        if "dailyLimitExceeded" in reasons:  # the project's day is spent: hold till it resets
            now = datetime.now(UTC)
            return GmailRateLimitError(f"{what}: daily limit spent", retry_at=quota_day_end(now))
        if status == 429 or reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
            return GmailRateLimitError(
                f"{what}: rate limited by Gmail", retry_at=retry_at(exc, datetime.now(UTC))
            )
        if status in (400, 403) and reasons & set(CONFIG_REASONS):
            return ConfigError(f"{what}: the Gmail API is not enabled for this project")
        blocked = sorted(reasons & set(BLOCKED_REASONS))
        if status in (400, 403) and blocked:
            return MailboxBlockedError(f"{what}: {BLOCKED_REASONS[blocked[0]]}")
        if status == 404:
            return MessageGoneError(f"{what}: not found in Gmail")
        if status == 401:
            return InvalidGrantError(f"{what}: credentials rejected by Gmail")
        if status >= 500 or (status == 403 and reason == "backendError"):
            return GmailUnavailableError(f"{what}: Gmail answered {status}")
        return PermanentError(f"{what}: Gmail answered {status} {reason}".strip())
    if isinstance(exc, TransportError | httplib2.HttpLib2Error | OSError | TimeoutError):
        return GmailUnavailableError(f"{what}: {type(exc).__name__}")
    if isinstance(exc, LeadHarvestError):
        return exc
    return GmailUnavailableError(f"{what}: unexpected {type(exc).__name__}")
