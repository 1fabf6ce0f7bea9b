"""How many documents a query matches, as an aggregation (no document is read: Firestore
bills one read per 1,000 index entries matched). Every count in the stores goes through it."""

from __future__ import annotations

from shared.types import Sdk


def count(query: Sdk) -> int:
    """How many documents ``query`` matches (the SDK answers ``[[AggregationResult]]``)."""
    result: Sdk = query.count().get()
    return int(result[0][0].value)
