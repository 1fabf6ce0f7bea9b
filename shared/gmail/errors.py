"""Gmail and OAuth SDK errors mapped onto the project's error tree."""

from __future__ import annotations

import json

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from shared.errors import (
    GmailRateLimitError,
    GmailUnavailableError,
    InvalidGrantError,
    LeadHarvestError,
    MessageGoneError,
    PermanentError,
)


class HistoryGoneError(PermanentError):
    """The start history id is older than Gmail keeps: a full sync is needed."""

    code = "history_gone"


def _reason(exc: HttpError) -> str:
    try:
        body = json.loads(exc.content or b"{}")
        return str(body["error"]["errors"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""


def map_error(exc: Exception, what: str) -> LeadHarvestError:
    """The project error for an exception raised by the Gmail client or google-auth."""
    if isinstance(exc, RefreshError):
        if "invalid_grant" in str(exc):
            return InvalidGrantError("the mailbox's refresh token was revoked or expired")
        return GmailUnavailableError(f"{what}: token refresh failed")
    if isinstance(exc, HttpError):
        status = int(exc.resp.status)
        reason = _reason(exc)
        if status == 429 or reason in ("rateLimitExceeded", "userRateLimitExceeded"):
            return GmailRateLimitError(f"{what}: rate limited by Gmail")
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
