"""Small helpers shared by the HTTP entry points: the error envelope, scheduler auth."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Protocol

from werkzeug.datastructures import Headers

from shared.auth import iam_checked, require_service_account, require_user
from shared.http_errors import to_http
from shared.logs import log_context, request_trace
from shared.ports import Configured, Verifies
from shared.types import Json

Reply = tuple[str, int, dict[str, str]]
RequestHeaders = Mapping[str, str] | Headers  # a plain mapping, or Flask's request.headers
JSON = {"Content-Type": "application/json"}


def reply(body: Json, status: int = 200) -> Reply:
    """A JSON response tuple for Flask / functions-framework."""
    return json.dumps(body, default=str), status, JSON


def request_context(function: str, headers: RequestHeaders) -> AbstractContextManager[None]:
    """The log context of one HTTP request: its Cloud Run trace and the function's label."""
    return log_context(function, request_trace(dict(headers.items())))


def guarded(function: str, headers: RequestHeaders, action: Callable[[], Reply]) -> Reply:
    """Run an HTTP entry point's action inside its log context (trace, labels); any error
    becomes its status and envelope (``to_http``, which logs bugs with their stack)."""
    with request_context(function, headers):
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - to_http logs bugs with their stack
            status, body = to_http(exc)
            return reply(body, status)


def iam_token(headers: RequestHeaders) -> str | None:
    """The authorization header Cloud Run's IAM checked on this request."""
    return iam_checked(headers.get("Authorization"), headers.get("X-Serverless-Authorization"))


class Verifying(Configured, Verifies, Protocol):
    """What checking a caller's token needs."""


def verify_scheduler(deps: Verifying, authorization: str | None) -> None:
    """401/403 unless called by Cloud Scheduler's service account for this function.

    ``authorization`` is the header Cloud Run's IAM checked (``auth.iam_checked``).
    """
    s = deps.settings
    claims = deps.verifier.verify_behind_iam(authorization, s.scheduler_audience)
    require_service_account(claims, s.scheduler_service_account)


def verify_user(deps: Verifying, authorization: str | None) -> str:
    """The signed-in frontend user's email: a valid ID token for the API, allow-listed."""
    s = deps.settings
    claims = deps.verifier.verify(authorization, [s.api_audience])
    return require_user(claims, s.allowed_users, s.allowed_domains)
