"""Glue for Pub/Sub-triggered functions: decode, run, ack or redeliver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from shared.bootstrap import Deps, deps
from shared.errors import PermanentError
from shared.events import pubsub_data
from shared.logs import get_logger

log = get_logger("entry")
Job = TypeVar("Job")


def run_event(
    event: Any, decode: Callable[[dict[str, Any]], Job], handle: Callable[[Deps, Job], object]
) -> None:
    """Decode the CloudEvent's Pub/Sub message and run ``handle``.

    Permanent errors (a malformed message included) are logged and acknowledged;
    retryable ones propagate, so the function fails and Pub/Sub redelivers with backoff.
    """
    try:
        job = decode(pubsub_data(getattr(event, "data", None)))
        handle(deps(), job)
    except PermanentError as exc:
        log.warning(
            "message acknowledged without effect",
            extra={"fields": {"code": exc.code, "error": exc.message[:300]}},
        )
