"""Emails too large to fetch. Before a batch is queued, Gmail's size search (``larger:``,
on the message size it reports as ``sizeEstimate``) names the label's emails over
``EMAIL_MAX_BYTES``; they are recorded ``unrecognised`` with the limit named (a person is
shown them, ``store_chunk.too_large``), so no process ever holds one, and their chunks find
them recorded. Lead notifications are under 200 KB."""

from __future__ import annotations

from shared.config import Settings
from shared.gmail.gateway import Gmail

OVERSIZED_MAX = 1_000  # ids one search returns (two list pages)


def oversized_ids(gmail: Gmail, settings: Settings, label_id: str, ids: list[str]) -> set[str]:
    """Those of ``ids`` in the label over the size the pipeline fetches (no search for none)."""
    if not ids:
        return set()
    return gmail.oversized_ids(label_id, settings.email_max_bytes, OVERSIZED_MAX) & set(ids)
