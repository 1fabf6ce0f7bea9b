"""Glue for Pub/Sub-triggered functions: decode, run, ack or redeliver."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import flask
from werkzeug.exceptions import Forbidden, InternalServerError, ServiceUnavailable, Unauthorized

from shared.auth import iam_checked, require_service_account
from shared.bootstrap import Deps, deps
from shared.errors import ForbiddenError, PermanentError, RetryableError, UnauthenticatedError
from shared.events import pubsub_data
from shared.logs import get_logger, log_context, request_trace
from shared.types import JsonObject, Sdk

log = get_logger("entry")
Job = TypeVar("Job")


def _trace() -> dict[str, str]:
    """The push request's trace (Cloud Run adds the headers), when in a request."""
    if not flask.has_request_context():
        return {}
    return request_trace(dict(flask.request.headers))


def verify_caller(d: Deps) -> None:
    """Only Pub/Sub push reaches these functions: a token of the push account for one of
    their URLs (``EVENT_AUDIENCES``), checked even behind Cloud Run's IAM (a missing or
    forged token, or another account's, is refused)."""
    headers: dict[str, str] = dict(flask.request.headers) if flask.has_request_context() else {}
    checked = iam_checked(headers.get("Authorization"), headers.get("X-Serverless-Authorization"))
    s = d.settings
    claims = d.verifier.verify_behind_iam(checked, s.event_audiences)
    require_service_account(claims, s.push_service_account)


def run_event(
    function: str,
    event: Sdk,
    decode: Callable[[JsonObject], Job],
    handle: Callable[[Deps, Job], object],
) -> None:
    """Decode the CloudEvent's Pub/Sub message and run ``handle`` in the function's log
    context (trace, function and mailbox labels).

    Permanent errors (a malformed message included) are logged and acknowledged. Retryable
    ones answer 503 and anything unexpected 500, so Pub/Sub redelivers with backoff; each
    leaves one structured log entry (a bug's with its stack; no bare traceback on stderr).
    """
    trace = _trace()
    with log_context(function, trace):
        try:
            verify_caller(deps())
        except (UnauthenticatedError, ForbiddenError) as exc:
            log.warning("caller refused", extra={"fields": {"code": exc.code}})
            raise (Unauthorized if isinstance(exc, UnauthenticatedError) else Forbidden)(
                exc.code
            ) from None
        try:
            job = decode(pubsub_data(getattr(event, "data", None)))
            with log_context(function, trace, getattr(job, "mailbox", None)):
                handle(deps(), job)
        except PermanentError as exc:
            log.warning(
                "message acknowledged without effect",
                extra={"fields": {"code": exc.code, "error": exc.message[:300]}},
            )
        except RetryableError as exc:
            log.warning(
                "message will be redelivered",
                extra={"fields": {"code": exc.code, "error": exc.message[:300]}},
            )
            raise ServiceUnavailable(exc.code) from None
        except Exception as exc:
            log.error("message failed unexpectedly", exc_info=(type(exc), exc, exc.__traceback__))
            raise InternalServerError("unexpected error") from None
