"""Which batches are still open, without reading history: each batch document keeps ``open``,
the time of its last progress (``progress_us``), the count of final outcomes of each chunk
(``final.{chunk}``, overwritten, so a redelivered chunk counts once) and ``stuck`` (set by the
sweep that sent it again, cleared by the next progress).

The stuck-batch sweep queries open batches without progress, of any age (index
``batches_open``), page by page; health counts the mailbox's stuck ones (an aggregation);
an ``active`` history lists the open ones. A chunk's record writes its batch document once
(a batch has at most a window of chunks in flight: about one write a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from google.api_core.exceptions import NotFound
from google.cloud import firestore
from google.cloud.firestore_v1.transforms import Maximum

from shared.batch_figures import FINAL
from shared.clock import micros
from shared.store.counting import count
from shared.store.errors import store_errors
from shared.types import JsonObject, Sdk

COLLECTION = "batches"
PAGE = 50


def _batch(db: firestore.Client, batch_id: str) -> Sdk:
    return db.collection(COLLECTION).document(batch_id)


def progressed(db: firestore.Client, batch_id: str, chunk_id: str, now: datetime) -> bool:
    """Note a chunk's progress on its batch (after its outcomes were recorded) and close the
    batch when every email has a final outcome; returns whether the batch is closed."""
    ref = _batch(db, batch_id)
    with store_errors("note progress"):
        chunk = ref.collection("chunks").document(chunk_id).get(field_paths=["outcomes"])
        outcomes = (chunk.to_dict() or {}).get("outcomes") or {}
        final = sum(1 for o in outcomes.values() if o in FINAL)
        try:
            ref.update(
                {
                    f"final.`{chunk_id}`": final,
                    "progress_us": Maximum(micros(now)),
                    "stuck": False,
                }
            )
        except NotFound:  # a chunk of a batch that was never created (a forged job)
            return False
        batch = ref.get(field_paths=["final", "total", "open"]).to_dict() or {}
        done = sum(int(n) for n in (batch.get("final") or {}).values()) >= int(batch["total"])
        if done and batch.get("open", True):
            ref.update({"open": False})
    return done


def stale(db: firestore.Client, quiet_since: datetime, pages: int) -> Iterator[JsonObject]:
    """Open batches without progress since ``quiet_since``, oldest progress first, of any
    age: up to ``pages`` pages of ``PAGE``."""
    query = (
        db.collection(COLLECTION)
        .where(filter=firestore.FieldFilter("open", "==", True))
        .where(filter=firestore.FieldFilter("progress_us", "<", micros(quiet_since)))
        .order_by("progress_us")
        .limit(PAGE)
    )
    after = None
    for _ in range(pages):
        with store_errors("list open batches"):
            snaps = list((query.start_after(after) if after else query).stream())
        yield from ((s.to_dict() or {}) for s in snaps)
        if len(snaps) < PAGE:
            return
        after = snaps[-1]


def mark(db: firestore.Client, batch_id: str, now: datetime, *, stuck: bool, done: bool) -> None:
    """What the sweep found: sent again (``stuck``, progress moved to now so it is not sent
    again while in flight), or finished (``done``: closed)."""
    fields: JsonObject = {"open": False} if done else {"stuck": stuck, "progress_us": micros(now)}
    with store_errors("mark batch"):
        _batch(db, batch_id).update(fields)


def stuck_count(db: firestore.Client, mailbox: str) -> int:
    """How many of the mailbox's open batches the sweep found stuck (an aggregation)."""
    query = (
        db.collection(COLLECTION)
        .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        .where(filter=firestore.FieldFilter("open", "==", True))
        .where(filter=firestore.FieldFilter("stuck", "==", True))
    )
    with store_errors("count stuck batches"):
        return count(query)


def active(db: firestore.Client, owner: str, mailbox: str, limit: int) -> list[JsonObject]:
    """The owner's open batches of ``mailbox``, newest first."""
    query = (
        db.collection(COLLECTION)
        .where(filter=firestore.FieldFilter("owner", "==", owner))
        .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        .where(filter=firestore.FieldFilter("open", "==", True))
        .order_by("created_at", direction=firestore.Query.DESCENDING)
        .limit(limit)
    )
    with store_errors("list active batches"):
        return [s.to_dict() or {} for s in query.select(["batch_id"]).stream()]


def of_mailbox(db: firestore.Client, mailbox: str) -> list[JsonObject]:
    """The mailbox's open batches (their totals, final counts and ids kept on them)."""
    query = (
        db.collection(COLLECTION)
        .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        .where(filter=firestore.FieldFilter("open", "==", True))
    )
    with store_errors("list open batches"):
        return [s.to_dict() or {} for s in query.stream()]
