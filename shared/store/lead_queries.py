"""The reads and edits the API makes on leads: pages with filters and a cursor, one owned lead,
its update, and the emails to re-parse. Every call is inside the store's error mapping."""

from __future__ import annotations

from dataclasses import dataclass

from google.cloud import firestore

from shared.errors import NotFoundError
from shared.ids import is_doc_id
from shared.store.errors import store_errors
from shared.types import JsonObject, Sdk

LEADS, MESSAGES = "leads", "messages"


@dataclass(frozen=True)
class LeadFilter:
    """Equality filters of a lead page (``None``: not filtered)."""

    status: str | None = None
    statuses: tuple[str, ...] = ()  # any of these (when ``status`` is None)
    source: str | None = None
    needs_review: bool | None = None
    mailbox: str | None = None  # leads with an inquiry to this mailbox


def lead_records(db: firestore.Client, owner: str, lead_id: str, limit: int) -> Sdk:
    """The query of one of ``owner``'s leads' email records, newest first (index
    ``messages_lead``)."""
    return (
        db.collection(MESSAGES)
        .where(filter=firestore.FieldFilter("owner", "==", owner))
        .where(filter=firestore.FieldFilter("lead_id", "==", lead_id))
        .order_by("inquiry_at", direction=firestore.Query.DESCENDING)
        .limit(limit)
    )


class LeadQueries:
    """Lead reads and edits for the API, scoped to the owner (the signed-in user)."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def page(
        self, owner: str, where: LeadFilter, limit: int, cursor: str | None
    ) -> tuple[list[tuple[str, JsonObject]], str | None]:
        """The owner's leads newest-updated first: ``(id, data)`` and the next cursor (a
        cursor that is not one of the owner's leads is unknown: 404)."""
        query = self._db.collection(LEADS).where(filter=firestore.FieldFilter("owner", "==", owner))
        for name in ("status", "source", "needs_review"):
            value = getattr(where, name)
            if value is not None:
                query = query.where(filter=firestore.FieldFilter(name, "==", value))
        if where.status is None and where.statuses:
            statuses = list(where.statuses)
            query = query.where(filter=firestore.FieldFilter("status", "in", statuses))
        if where.mailbox is not None:
            contains = firestore.FieldFilter("mailboxes", "array_contains", where.mailbox)
            query = query.where(filter=contains)
        query = query.order_by("updated_at", direction=firestore.Query.DESCENDING)
        with store_errors("list leads"):
            if cursor:
                if not is_doc_id(cursor):
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                snap = self._db.collection(LEADS).document(cursor).get()
                if not snap.exists or (snap.to_dict() or {}).get("owner") != owner:
                    raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
                query = query.start_after(snap)
            docs = [(d.id, d.to_dict() or {}) for d in query.limit(limit).stream()]
        return docs, docs[-1][0] if len(docs) == limit else None

    def owned(self, lead_id: str, owner: str) -> JsonObject:
        """One lead of ``owner``; 404 otherwise (another owner's lead is unknown too)."""
        if not is_doc_id(lead_id):
            raise NotFoundError("no such lead")
        with store_errors("read lead"):
            snap = self._db.collection(LEADS).document(lead_id).get()
        data = (snap.to_dict() or {}) if snap.exists else {}
        if not data or data.get("owner") != owner:
            raise NotFoundError("no such lead")
        return data

    def update(self, lead_id: str, fields: JsonObject) -> None:
        """Change fields of a lead (its ownership was checked by :meth:`owned`)."""
        with store_errors("update lead"):
            self._db.collection(LEADS).document(lead_id).update(fields)

    def inquiries(self, owner: str, lead_id: str, limit: int) -> list[JsonObject]:
        """A lead's newest inquiries (the records of its emails), newest first."""
        query = self._records(owner, lead_id, limit)
        with store_errors("list inquiries"):
            return [d.to_dict() or {} for d in query.stream()]

    def _records(self, owner: str, lead_id: str, limit: int) -> Sdk:
        return lead_records(self._db, owner, lead_id, limit)

    def processed_ids(self, mailbox: str, limit: int) -> list[str]:
        """Gmail ids of up to ``limit`` processed emails of ``mailbox``."""
        query = (
            self._db.collection(MESSAGES)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .select(["gmail_id"])
            .limit(limit)
        )
        with store_errors("list processed emails"):
            return [(d.to_dict() or {})["gmail_id"] for d in query.stream()]

    def correct_records(self, owner: str, lead_id: str, truth: str, limit: int) -> int:
        """Say what the emails of one of ``owner``'s leads are (``lead`` or ``not_lead``)."""
        query = self._records(owner, lead_id, limit)
        with store_errors("correct emails"):
            refs = [snap.reference for snap in query.stream()]  # a handed-over record too
            for start in range(0, len(refs), 400):
                batch = self._db.batch()
                for ref in refs[start : start + 400]:
                    batch.update(ref, {"correction": truth})
                batch.commit()
        return len(refs)
