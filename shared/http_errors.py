"""The one mapping from errors to HTTP: status, the envelope ``{"error": {"code", "message",
"details"}}``, and one log entry (with the stack for bugs). Every HTTP entry point uses it."""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

from shared.errors import (
    ConfigError,
    ConflictError,
    ForbiddenError,
    InvalidGrantError,
    LeadHarvestError,
    MessageGoneError,
    NotFoundError,
    PermanentError,
    PreconditionFailedError,
    RetryableError,
    UnauthenticatedError,
)
from shared.logs import get_logger
from shared.types import Json, JsonObject

log = get_logger("http")
# Most specific first: the first class an error is an instance of gives its status.
STATUS: tuple[tuple[type[LeadHarvestError], int], ...] = (
    (UnauthenticatedError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (MessageGoneError, 404),
    (InvalidGrantError, 409),
    (ConflictError, 409),
    (PreconditionFailedError, 412),
    (ConfigError, 500),
    (RetryableError, 503),
    (PermanentError, 400),
)
ROUTING_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
# What a person reads for errors whose own text is for operators (a store's or SDK's words)
USER_MESSAGES = {
    "unavailable": "The service is busy right now: try again in a moment.",
    "store_contention": "Too many changes at once: try again in a moment.",
    "publish_failed": "The work could not be queued: try again in a moment.",
    "gmail_unavailable": "Gmail did not answer: try again in a moment.",
    "gmail_rate_limited": "Gmail asked us to slow down: try again in a minute.",
    "quota_busy": "This mailbox is busy with other work: try again in a moment.",
    "needs_reauth": "Google access to this mailbox was revoked or has expired: connect it again.",
    "config": "The service is misconfigured: the operators were alerted.",
}


def envelope(code: str, message: str, details: Json = None) -> JsonObject:
    """The error body every HTTP entry point answers with."""
    return {"error": {"code": code, "message": message, "details": details}}


def to_http(exc: BaseException) -> tuple[int, JsonObject]:
    """Status and envelope for ``exc``; logs once (a bug: ERROR with its stack)."""
    if isinstance(exc, LeadHarvestError):
        status = next((s for kind, s in STATUS if isinstance(exc, kind)), 500)
        if isinstance(exc, ConfigError):
            log.error("configuration error", extra={"fields": {"error": exc.message[:300]}})
        elif status >= 500:
            log.warning("request failed", extra={"fields": {"code": exc.code}})
        return status, envelope(exc.code, USER_MESSAGES.get(exc.code, exc.message), exc.details)
    if isinstance(exc, HTTPException) and exc.code in ROUTING_CODES:
        return exc.code, envelope(ROUTING_CODES[exc.code], exc.description or exc.name)
    log.error(
        "unexpected error",
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"fields": {"error_type": type(exc).__name__}},
    )
    return 500, envelope("internal", "internal error")
