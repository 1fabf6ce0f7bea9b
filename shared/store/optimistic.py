"""Optimistic concurrency for Firestore: read, then write with preconditions, retry on conflict.

Read-write transactions take locks on what they read; under duplicate deliveries the
writers of one document wait on each other until a lock timeout. Writes guarded by
``create`` (must not exist) or ``last_update_time`` (unchanged since read) never wait: a
loser gets a conflict at once, re-reads and tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from google.api_core import exceptions as gexc

from shared.backoff import Backoff
from shared.errors import StoreContentionError
from shared.types import JsonObject, Sdk

T = TypeVar("T")
ATTEMPTS = 8
CONFLICTS = (
    gexc.AlreadyExists,
    gexc.FailedPrecondition,
    gexc.Conflict,
    gexc.NotFound,
    gexc.Aborted,
)


def unchanged_since(db: Sdk, snapshot: Sdk) -> Sdk:
    """Write option: the document still has the update time it had when read."""
    return db.write_option(last_update_time=snapshot.update_time)


CONFLICT_BACKOFF = Backoff(base_s=0.02, cap_s=1.0, attempts=ATTEMPTS)


def retry_on_conflict(attempt: Callable[[], T], what: str) -> T:
    """Run ``attempt`` until it does not hit a conflict (``CONFLICT_BACKOFF``)."""
    try:
        return CONFLICT_BACKOFF.call(attempt, CONFLICTS)
    except CONFLICTS as exc:
        raise StoreContentionError(f"{what}: still conflicting after {ATTEMPTS} attempts") from exc


def put(db: Sdk, batch: Sdk, ref: Sdk, snapshot: Sdk, data: JsonObject) -> None:
    """Add a guarded write of ``data`` to ``batch``: create if absent, else replace if unchanged."""
    if snapshot is not None and snapshot.exists:  # every field is written: update == replace
        batch.update(ref, data, option=unchanged_since(db, snapshot))
    else:
        batch.create(ref, data)
