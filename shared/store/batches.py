"""``batches/{id}`` and ``batches/{id}/chunks/{chunk}``: what a sync queued and what became of it.

Progress is never counted with increments: each chunk writes the outcome of each of its
emails with ``set(merge=True)``, so a redelivered chunk rewrites the same values, and the
batch's figures are read back by adding up its chunk documents.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

from google.api_core.exceptions import AlreadyExists, FailedPrecondition, NotFound
from google.cloud import firestore
from google.cloud.firestore_v1.transforms import Minimum

from shared.batch_figures import BatchSummary, StuckChunk
from shared.clock import from_micros, micros, utcnow
from shared.errors import NotFoundError
from shared.ids import is_doc_id
from shared.store import counting, open_batches
from shared.store.errors import store_errors
from shared.store.optimistic import unchanged_since
from shared.types import JsonObject, Sdk
from shared.vocabulary import Outcomes

COLLECTION = "batches"
IDS_ON_BATCH = 500  # ids kept on the batch document itself (about 10 KB at most; above,
# on the chunk documents: a batch document read for its figures stays small)
COMMIT_MAX = 500  # writes in one Firestore commit
CLAIM_LEASE_S = 10  # a follower's claim not marked sent this long: its claimant died


class BatchStore:
    """Creates batches and records chunk outcomes."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def _ref(self, batch_id: str) -> Sdk:
        return self._db.collection(COLLECTION).document(batch_id)

    def create(
        self,
        batch_id: str,
        mailbox: str,
        trigger: str,
        chunks: dict[str, list[str]],
        now: datetime,
        owner: str,
    ) -> bool:
        """Create the batch with the ids of each chunk (so a stuck chunk can be sent again);
        False if it already exists (a redelivered sync). Up to ``IDS_ON_BATCH`` ids live on
        the batch document (no extra write); a bigger batch writes them on its chunks."""
        total = sum(len(ids) for ids in chunks.values())
        doc: JsonObject = {
            "batch_id": batch_id,
            "owner": owner,
            "mailbox": mailbox,
            "trigger": trigger,
            "total": total,
            "chunks": len(chunks),
            "created_at": now,
            "open": True,  # until every email has a final outcome (open_batches.py)
            "progress_us": micros(now),
        }
        planned = list(chunks.items()) if total > IDS_ON_BATCH else []
        if not planned:
            doc["chunk_ids"] = chunks
        try:
            with store_errors("create batch"):
                # chunk ids first (rewriting them is harmless), the batch last: a redelivered
                # sync after a crash in between writes them all again
                for start in range(0, len(planned), COMMIT_MAX):
                    write = self._db.batch()
                    for chunk_id, ids in planned[start : start + COMMIT_MAX]:
                        write.set(self._chunk(batch_id, chunk_id), {"ids": ids}, merge=True)
                    write.commit()
                self._ref(batch_id).create(doc)
        except AlreadyExists:
            return False
        return True

    def chunk_ids(self, batch_id: str, chunk_id: str) -> list[str]:
        """The ids planned for one chunk of a batch (none: no such chunk)."""
        with store_errors("read chunk ids"):
            snap = self._ref(batch_id).get(field_paths=[f"chunk_ids.{chunk_id}"])
            on_batch = ((snap.to_dict() or {}).get("chunk_ids") or {}).get(chunk_id)
            if on_batch is None and snap.exists:
                on_batch = (self._chunk(batch_id, chunk_id).get().to_dict() or {}).get("ids")
        return [str(i) for i in on_batch or []]

    def claim_send(self, batch_id: str, chunk_id: str) -> bool:
        """Claim the sending of one chunk of a batch: True for the first caller only, or for
        a later one when the claimant never said it sent (it died between its claim and its
        publish): a claim older than ``CLAIM_LEASE_S`` is taken over; a younger one is waited
        on (the claimant publishes within milliseconds)."""
        ref = self._ref(batch_id).collection("sent").document(chunk_id)
        deadline = time.monotonic() + CLAIM_LEASE_S
        with store_errors("claim send"):
            try:
                ref.create({"state": "claimed", "at_us": micros(utcnow())})
                return True
            except AlreadyExists:
                pass
            while True:
                snap = ref.get()
                data = snap.to_dict() or {}
                if not snap.exists or data.get("state") == "sent":
                    return False
                stale = micros(utcnow()) - int(data.get("at_us") or 0) >= CLAIM_LEASE_S * 1e6
                if stale or time.monotonic() >= deadline:
                    try:
                        fields = {"state": "claimed", "at_us": micros(utcnow())}
                        ref.update(fields, option=unchanged_since(self._db, snap))
                        return True
                    except (FailedPrecondition, NotFound):
                        return False  # another run took it over first
                time.sleep(0.2)

    def sent(self, batch_id: str, chunk_id: str) -> None:
        """Say the claimed chunk was published (a later run never sends it again)."""
        with store_errors("mark sent"):
            self._ref(batch_id).collection("sent").document(chunk_id).update({"state": "sent"})

    def release_send(self, batch_id: str, chunk_id: str) -> None:
        """Give the claim back (the publish failed: a redelivery claims it again)."""
        with store_errors("release send"):
            self._ref(batch_id).collection("sent").document(chunk_id).delete()

    def _chunk(self, batch_id: str, chunk_id: str) -> Sdk:
        return self._ref(batch_id).collection("chunks").document(chunk_id)

    def stuck(self, quiet_since: datetime, now: datetime, pages: int) -> list[StuckChunk]:
        """Chunks of open batches of any age without progress since ``quiet_since``, with
        their ids that have no outcome; each such batch is marked stuck (health shows it) and
        its progress moved to ``now``. A batch found finished is closed; one whose emails
        only wait in the retry list is not stuck."""
        out = []
        for batch in open_batches.stale(self._db, quiet_since, pages):
            batch_id = str(batch["batch_id"])
            left = self._left(batch)
            out += left
            summary = None if left else self.summary(batch_id)
            done = summary is not None and summary.status.startswith("completed")
            open_batches.mark(self._db, batch_id, now, stuck=bool(left), done=done)
        return out

    def _left(self, batch: JsonObject) -> list[StuckChunk]:
        """A batch's chunks with ids that have no outcome yet."""
        with store_errors("read chunks"):
            chunks = self._ref(batch["batch_id"]).collection("chunks").stream()
            docs = {c.id: c.to_dict() or {} for c in chunks}
        planned = batch.get("chunk_ids") or {k: d.get("ids") or [] for k, d in docs.items()}
        out = []
        for chunk_id, ids in sorted(planned.items()):
            done = (docs.get(chunk_id) or {}).get("outcomes") or {}
            left = [str(i) for i in ids if i not in done]
            if left:
                kind, mailbox = batch["trigger"], str(batch["mailbox"])
                out.append(StuckChunk(str(batch["batch_id"]), chunk_id, kind, left, mailbox))
        return out

    def in_flight(self, mailbox: str) -> tuple[int, set[str]]:
        """The mailbox's emails in open batches without a final outcome (a count from the
        batch documents alone), and the ids those batches planned (read only when asked:
        the ids on the batch documents, and on the chunk documents of big batches)."""
        batches = open_batches.of_mailbox(self._db, mailbox)
        count = sum(
            int(b.get("total") or 0) - sum(int(n) for n in (b.get("final") or {}).values())
            for b in batches
        )
        return max(count, 0), {str(b["batch_id"]) for b in batches}

    def planned_ids(self, batch_ids: set[str]) -> set[str]:
        """Every id the given batches planned."""
        out: set[str] = set()
        for batch_id in batch_ids:
            with store_errors("read planned ids"):
                snap = self._ref(batch_id).get(field_paths=["chunk_ids"])
                planned = (snap.to_dict() or {}).get("chunk_ids")
                if planned is None:
                    chunks = self._ref(batch_id).collection("chunks").select(["ids"]).stream()
                    planned = {c.id: (c.to_dict() or {}).get("ids") or [] for c in chunks}
            out |= {str(i) for ids in planned.values() for i in ids}
        return out

    def stuck_count(self, mailbox: str) -> int:
        """How many of the mailbox's open batches were found stuck (no document read)."""
        return open_batches.stuck_count(self._db, mailbox)

    def active(self, owner: str, mailbox: str, limit: int) -> list[str]:
        """Ids of the owner's open batches of ``mailbox``, newest first."""
        return [str(b["batch_id"]) for b in open_batches.active(self._db, owner, mailbox, limit)]

    def record(
        self,
        batch_id: str,
        chunk_id: str,
        outcomes: Outcomes,
        now: datetime,
        *,
        started: datetime | None = None,
    ) -> None:
        """Set the outcome of each email of a chunk (merge: other ids keep theirs); the
        chunk keeps the earliest ``started`` of its runs (a retry never moves it)."""
        first = micros(started or now)
        doc = {"outcomes": outcomes, "updated_at": now, "started_us": Minimum(first)}
        with store_errors("record chunk"):
            self._chunk(batch_id, chunk_id).set(doc, merge=True)
        open_batches.progressed(self._db, batch_id, chunk_id, now)

    def recorded(self, batch_id: str, chunk_id: str) -> set[str]:
        """Ids of one chunk whose outcome is recorded."""
        with store_errors("read chunk"):
            snap = self._chunk(batch_id, chunk_id).get(field_paths=["outcomes"])
        return set((snap.to_dict() or {}).get("outcomes") or {}) if snap.exists else set()

    def summary(self, batch_id: str) -> BatchSummary | None:
        """The batch and its figures, or None if unknown."""
        if not is_doc_id(batch_id):
            return None
        with store_errors("read batch"):
            snap = self._ref(batch_id).get()
            if not snap.exists:
                return None
            chunks = list(self._ref(batch_id).collection("chunks").stream())
        data = snap.to_dict() or {}
        counts: Counter[str] = Counter()
        times, starts = [], []
        for chunk in chunks:
            doc = chunk.to_dict() or {}
            counts.update((doc.get("outcomes") or {}).values())
            times.append(doc.get("updated_at"))
            if isinstance(doc.get("started_us"), int):
                starts.append(from_micros(doc["started_us"]))
        out = BatchSummary(
            batch_id=batch_id,
            mailbox=data["mailbox"],
            owner=str(data.get("owner", "")),
            trigger=data["trigger"],
            total=int(data["total"]),
            created_at=data["created_at"],
            counts=dict(counts),
        )
        out.started_at = min(starts or [t for t in times if t], default=None)
        if out.status.startswith("completed"):
            out.completed_at = max((t for t in times if t), default=None)
        return out

    def recent(self, limit: int, mailbox: str | None = None) -> list[JsonObject]:
        """Batch documents, newest first."""
        query: Sdk = self._db.collection(COLLECTION)
        if mailbox:
            query = query.where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        query = query.order_by("created_at", direction=firestore.Query.DESCENDING).limit(limit)
        with store_errors("list batches"):
            return [s.to_dict() or {} for s in query.stream()]

    def history(
        self, owner: str, mailbox: str, limit: int, cursor: str | None
    ) -> tuple[list[JsonObject], int, str | None]:
        """A page of the owner's batches of ``mailbox``, newest first, the true total and the
        next cursor."""
        query = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("owner", "==", owner))
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        )
        page = query.order_by("created_at", direction=firestore.Query.DESCENDING)
        with store_errors("list batches"):
            total = counting.count(query)
            if cursor:
                if not is_doc_id(cursor):
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                snap = self._ref(cursor).get()
                if not snap.exists or (snap.to_dict() or {}).get("owner") != owner:
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                page = page.start_after(snap)
            docs = [d.to_dict() or {} for d in page.limit(limit).stream()]
        return docs, total, docs[-1]["batch_id"] if len(docs) == limit else None
