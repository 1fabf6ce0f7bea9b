"""Small helpers shared by the HTTP entry points: the error envelope, scheduler auth."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from shared.auth import iam_checked, require_service_account, require_user
from shared.bootstrap import Deps
from shared.errors import LeadHarvestError, RetryableError
from shared.logs import get_logger

log = get_logger("http")
Reply = tuple[str, int, dict[str, str]]
JSON = {"Content-Type": "application/json"}


def reply(body: Any, status: int = 200) -> Reply:
    """A JSON response tuple for Flask / functions-framework."""
    return json.dumps(body, default=str), status, JSON


def error_reply(exc: LeadHarvestError) -> Reply:
    """The one error envelope ``{"error": {"code", "message", "details"}}``."""
    return reply(exc.envelope(), exc.http_status)


def guarded(action: Callable[[], Reply]) -> Reply:
    """Run an HTTP action; project errors become envelopes, anything else a logged 500."""
    try:
        return action()
    except LeadHarvestError as exc:
        if isinstance(exc, RetryableError) or exc.http_status >= 500:
            log.warning("request failed", extra={"fields": {"code": exc.code}})
        return error_reply(exc)
    except Exception as exc:
        log.exception("unexpected error", extra={"fields": {"error_type": type(exc).__name__}})
        return reply(
            {"error": {"code": "internal", "message": "internal error", "details": None}}, 500
        )


def iam_token(headers: Mapping[str, str]) -> str | None:
    """The authorization header Cloud Run's IAM checked on this request."""
    return iam_checked(headers.get("Authorization"), headers.get("X-Serverless-Authorization"))


def verify_scheduler(deps: Deps, authorization: str | None) -> None:
    """401/403 unless called by Cloud Scheduler's service account for this function.

    ``authorization`` is the header Cloud Run's IAM checked (``auth.iam_checked``).
    """
    s = deps.settings
    claims = deps.verifier.verify_behind_iam(authorization, s.csv("SCHEDULER_AUDIENCE"))
    require_service_account(claims, s.text("SCHEDULER_SERVICE_ACCOUNT"))


def verify_user(deps: Deps, authorization: str | None) -> str:
    """The signed-in frontend user's email: a valid ID token for the API, allow-listed."""
    s = deps.settings
    claims = deps.verifier.verify(authorization, [s.text("API_AUDIENCE")])
    return require_user(claims, s.csv("ALLOWED_USERS"), s.csv("ALLOWED_DOMAINS"))
