"""Glue for Pub/Sub-triggered functions: decode, run, ack or redeliver."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import flask
from werkzeug.exceptions import InternalServerError, ServiceUnavailable

from shared.bootstrap import Deps, deps
from shared.errors import PermanentError, RetryableError
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
