"""Time in one place, always timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(when: datetime) -> int:
    """Whole microseconds since the epoch (a number where Firestore takes numbers only)."""
    return (when - EPOCH) // timedelta(microseconds=1)


def from_micros(value: int) -> datetime:
    """The time :func:`micros` gave ``value`` for."""
    return EPOCH + timedelta(microseconds=value)
