"""Small helpers shared by the HTTP entry points: the error envelope, scheduler auth."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Protocol

from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from shared.auth import iam_checked, require_service_account, require_user
from shared.http_errors import to_http
from shared.logs import log_context, request_trace
from shared.ports import Configured, Verifies
from shared.types import Json

Reply = tuple[str, int, dict[str, str]]
RequestHeaders = Mapping[str, str] | Headers  # a plain mapping, or Flask's request.headers
JSON = {"Content-Type": "application/json"}


DRAIN_CHUNK = 64 * 1024
DRAIN_MAX = 32 * 1024 * 1024  # Cloud Run's HTTP/1 request limit: no longer body arrives


def bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, read only while it fits ``limit`` bytes, before anything else
    (the caller's token included) looks at the request: a ``Content-Length`` over the
    bound is refused unread, a body without one is read to ``limit + 1`` bytes at most.

    A refused body is then discarded in small chunks: functions-framework's own
    after-request hook (``read_request``) reads whatever is left of the body into memory
    at once, which 16 concurrent 30 MiB bodies made 580 MB.

    Returns:
        The body, or None when it is over the bound.
    """
    length = request.content_length
    if length is not None and length > limit:
        _discard(request)
        return None
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        _discard(request)
        return None
    return data


def oversized(request: Request, limit: int) -> bool:
    """True (the body discarded) when the body's ``Content-Length`` is over ``limit``; else
    the body is left unread for the framework's form parser, which stops at ``limit`` when
    no length was given (werkzeug's ``max_content_length``: 413)."""
    length = request.content_length
    if length is None or length <= limit:
        request.max_content_length = limit
        return False
    _discard(request)
    return True


def _discard(request: Request) -> None:
    """Read and drop the rest of the body, a chunk at a time (at most ``DRAIN_MAX``)."""
    left = DRAIN_MAX
    while left > 0 and (chunk := request.stream.read(min(DRAIN_CHUNK, left))):
        left -= len(chunk)


def too_large(limit: int) -> Reply:
    """The 413 answer, in the error envelope, for a body over ``limit`` bytes."""
    message = f"request bodies are at most {limit} bytes"
    return reply(to_http(RequestEntityTooLarge(message))[1], 413)


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
