"""``batches/{id}`` and ``batches/{id}/chunks/{chunk}``: what a sync queued and what became of it.

Progress is never counted with increments: each chunk writes the outcome of each of its
emails with ``set(merge=True)``, so a redelivered chunk rewrites the same values, and the
batch's figures are read back by adding up its chunk documents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared.errors import NotFoundError
from shared.ids import is_doc_id
from shared.store.errors import store_errors
from shared.types import JsonObject, Sdk

COLLECTION = "batches"
SUCCEEDED = ("lead", "merged", "not_lead")
FAILED = ("failed", "parked")
IDS_ON_BATCH = 5_000  # ids kept on the batch document itself (about 100 KB at most)
COMMIT_MAX = 500  # writes in one Firestore commit


@dataclass
class BatchSummary:
    """A batch with figures added up from its chunks."""

    batch_id: str
    mailbox: str
    owner: str
    trigger: str
    total: int
    created_at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    completed_at: datetime | None = None
    started_at: datetime | None = None

    @property
    def processed(self) -> int:
        """Emails in a final state: succeeded, skipped (already done elsewhere) or dead."""
        return self.succeeded + self.skipped + self.dead

    @property
    def succeeded(self) -> int:
        """Emails that became a lead, merged into one, or were classified as not a lead."""
        return sum(self.counts.get(k, 0) for k in SUCCEEDED)

    @property
    def skipped(self) -> int:
        """Emails another batch had already processed, or deleted from Gmail meanwhile."""
        return self.counts.get("duplicate", 0) + self.counts.get("gone", 0)

    @property
    def failed(self) -> int:
        """Emails waiting for a retry (or parked until the mailbox reconnects)."""
        return sum(self.counts.get(k, 0) for k in FAILED)

    @property
    def dead(self) -> int:
        """Emails given up on after the last attempt."""
        return self.counts.get("dead", 0)

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``completed`` or ``completed_with_errors``."""
        if self.processed >= self.total:
            return "completed_with_errors" if self.dead else "completed"
        return "running" if self.counts else "queued"


@dataclass(frozen=True)
class StuckChunk:
    """A chunk of an unfinished batch without progress, and its ids without an outcome."""

    batch_id: str
    chunk_id: str
    trigger: str
    ids: list[str]


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

    def _chunk(self, batch_id: str, chunk_id: str) -> Sdk:
        return self._ref(batch_id).collection("chunks").document(chunk_id)

    def stuck(self, mailbox: str, quiet_since: datetime, limit: int) -> list[StuckChunk]:
        """Chunks of the mailbox's ``limit`` newest batches that are unfinished and made no
        progress since ``quiet_since``, with their ids that have no outcome."""
        out = []
        for batch in self.recent(limit, mailbox):
            with store_errors("read chunks"):
                chunks = self._ref(batch["batch_id"]).collection("chunks").stream()
                docs = {c.id: c.to_dict() or {} for c in chunks}
            planned = batch.get("chunk_ids") or {k: d.get("ids") or [] for k, d in docs.items()}
            times = [d["updated_at"] for d in docs.values() if d.get("updated_at")]
            if max([batch["created_at"], *times]) > quiet_since:
                continue
            for chunk_id, ids in sorted(planned.items()):
                done = (docs.get(chunk_id) or {}).get("outcomes") or {}
                left = [str(i) for i in ids if i not in done]
                if left:
                    out.append(StuckChunk(str(batch["batch_id"]), chunk_id, batch["trigger"], left))
        return out

    def record(self, batch_id: str, chunk_id: str, outcomes: dict[str, str], now: datetime) -> None:
        """Set the outcome of each email of a chunk (merge: other ids keep theirs)."""
        doc = {"outcomes": outcomes, "updated_at": now}
        with store_errors("record chunk"):
            self._ref(batch_id).collection("chunks").document(chunk_id).set(doc, merge=True)

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
        times = []
        for chunk in chunks:
            doc = chunk.to_dict() or {}
            counts.update((doc.get("outcomes") or {}).values())
            times.append(doc.get("updated_at"))
        out = BatchSummary(
            batch_id=batch_id,
            mailbox=data["mailbox"],
            owner=str(data.get("owner", "")),
            trigger=data["trigger"],
            total=int(data["total"]),
            created_at=data["created_at"],
            counts=dict(counts),
        )
        out.started_at = min((t for t in times if t), default=None)
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
            counter: Sdk = query.count()  # SDK aggregation; get() → [[AggregationResult]]
            total = int(counter.get()[0][0].value)
            if cursor:
                if not is_doc_id(cursor):
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                snap = self._ref(cursor).get()
                if not snap.exists or (snap.to_dict() or {}).get("owner") != owner:
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                page = page.start_after(snap)
            docs = [d.to_dict() or {} for d in page.limit(limit).stream()]
        return docs, total, docs[-1]["batch_id"] if len(docs) == limit else None
