"""Maps Firestore SDK errors onto the project's error tree at the adapter boundary."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from google.api_core import exceptions as gexc

from shared.errors import RetryableError, StoreContentionError

_RETRYABLE = (
    gexc.Aborted,
    gexc.DeadlineExceeded,
    gexc.ServiceUnavailable,
    gexc.ResourceExhausted,
    gexc.InternalServerError,
    gexc.TooManyRequests,
)


@contextlib.contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Re-raise transient Firestore failures as :class:`RetryableError` subclasses."""
    try:
        yield
    except gexc.Aborted as exc:
        raise StoreContentionError(f"{what}: transaction contention") from exc
    except _RETRYABLE as exc:
        raise RetryableError(f"{what}: Firestore unavailable ({type(exc).__name__})") from exc
    except ValueError as exc:  # the client gives up on a contended transaction with ValueError
        if "Failed to commit transaction" not in str(exc):
            raise
        raise StoreContentionError(f"{what}: transaction contention") from exc
