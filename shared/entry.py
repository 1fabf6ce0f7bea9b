"""Glue for Pub/Sub-triggered functions: decode, run, ack or redeliver."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from werkzeug.exceptions import InternalServerError, ServiceUnavailable

from shared.bootstrap import Deps, deps
from shared.errors import PermanentError, RetryableError
from shared.events import pubsub_data
from shared.logs import get_logger

log = get_logger("entry")
Job = TypeVar("Job")


def run_event(
    event: Any, decode: Callable[[dict[str, Any]], Job], handle: Callable[[Deps, Job], object]
) -> None:
    """Decode the CloudEvent's Pub/Sub message and run ``handle``.

    Permanent errors (a malformed message included) are logged and acknowledged. Retryable
    ones answer 503 and anything unexpected 500, so Pub/Sub redelivers with backoff; each
    leaves one structured log entry (no bare traceback on stderr).
    """
    try:
        job = decode(pubsub_data(getattr(event, "data", None)))
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
    except Exception as exc:  # noqa: BLE001 - a bug: one ERROR entry with its stack, then redelivery
        log.error(
            "message failed unexpectedly",
            extra={
                "fields": {
                    "error_type": type(exc).__name__,
                    "stack_trace": traceback.format_exc()[-6000:],
                }
            },
        )
        raise InternalServerError("unexpected error") from None
