"""Maps Firestore SDK errors onto the project's error tree at the adapter boundary."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from google.api_core import exceptions as gexc

from shared.errors import ConfigError, RetryableError, StoreContentionError, StoreRejectedError

_RETRYABLE = (
    gexc.Aborted,
    gexc.DeadlineExceeded,
    gexc.ServiceUnavailable,
    gexc.ResourceExhausted,
    gexc.InternalServerError,
    gexc.TooManyRequests,
)


_REJECTED = (gexc.InvalidArgument, gexc.OutOfRange, gexc.RequestRangeNotSatisfiable)
_MISCONFIGURED = (gexc.PermissionDenied, gexc.Unauthenticated, gexc.Unauthorized)


@contextlib.contextmanager
def store_errors(what: str) -> Iterator[None]:
    """Map Firestore failures onto the error tree: transient ones to
    :class:`RetryableError`, a write refused for its content (a document over 1 MiB, an
    invalid value, or one the client cannot encode such as a timestamp past year 9999 in
    UTC) to :class:`StoreRejectedError`, a denied or unauthenticated call (a deployment
    fault: IAM, database) to :class:`ConfigError`."""
    try:
        yield
    except _REJECTED as exc:
        # the SDK's text names the document (a mailbox address): keep only what it means
        text = str(exc.message)
        too_big = any(s in text for s in ("exceeds the maximum", "longer than", "entity size"))
        reason = "over the size limit" if too_big else type(exc).__name__
        raise StoreRejectedError(f"{what}: Firestore refused the write ({reason})") from exc
    except _MISCONFIGURED as exc:
        raise ConfigError(f"{what}: Firestore denied access ({type(exc).__name__})") from exc
    except gexc.Aborted as exc:
        raise StoreContentionError(f"{what}: transaction contention") from exc
    except _RETRYABLE as exc:
        raise RetryableError(f"{what}: Firestore unavailable ({type(exc).__name__})") from exc
    except (OverflowError, TypeError) as exc:  # the client cannot encode a value at all
        raise StoreRejectedError(
            f"{what}: a value Firestore cannot hold ({exc_kind(exc)})"
        ) from exc
    except ValueError as exc:  # the client gives up on a contended transaction with ValueError
        if "Failed to commit transaction" in str(exc):
            raise StoreContentionError(f"{what}: transaction contention") from exc
        raise StoreRejectedError(
            f"{what}: a value Firestore cannot hold ({exc_kind(exc)})"
        ) from exc


def exc_kind(exc: Exception) -> str:
    """An SDK error's kind without its text (which may quote the value, personal data)."""
    return type(exc).__name__
