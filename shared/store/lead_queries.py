"""The reads and edits the API makes on leads: pages with filters and a cursor, one owned lead,
its update, and the emails to re-parse. Every call is inside the store's error mapping."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from google.cloud import firestore

from shared.clock import micros
from shared.errors import NotFoundError, PreconditionFailedError
from shared.ids import is_doc_id
from shared.store import lead_pages
from shared.store.counting import count
from shared.store.errors import store_errors
from shared.store.lead_pages import LeadFilter
from shared.store.lead_records import message_key, owner_tag
from shared.types import JsonObject, Sdk

__all__ = ["LeadFilter", "LeadQueries", "lead_records", "tag_of"]

LEADS, MESSAGES = "leads", "messages"
EDIT_RECORDS = 400  # email records corrected inside an edit's transaction
MAX_CORRECTED = 10_000  # records a correction reaches at most


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


def tag_of(snap: Sdk) -> str:
    """A lead's entity tag: its last update time (any write changes it)."""
    return f'"{micros(snap.update_time):x}"'


class LeadQueries:
    """Lead reads and edits for the API, scoped to the owner (the signed-in user)."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def page(
        self, owner: str, where: LeadFilter, limit: int, cursor: str | None
    ) -> tuple[list[tuple[str, JsonObject]], str | None]:
        """A page of the owner's leads and the next cursor (see ``lead_pages.page``; a cursor
        that is not one of the owner's leads is unknown: 404)."""
        with store_errors("list leads"):
            return lead_pages.page(self._db, owner, where, limit, cursor)

    def counts(
        self, owner: str, groups: dict[str, list[tuple[str, str, object]]]
    ) -> dict[str, int]:
        """How many of the owner's leads match each group of filters ``(field, op, value)``:
        one aggregation query per group, run together."""

        def one(filters: list[tuple[str, str, object]]) -> int:
            query = self._db.collection(LEADS).where(
                filter=firestore.FieldFilter("owner", "==", owner)
            )
            for name, op, value in filters:
                query = query.where(filter=firestore.FieldFilter(name, op, value))
            return count(query)

        with store_errors("count leads"), ThreadPoolExecutor(8) as pool:
            return dict(zip(groups, pool.map(one, groups.values()), strict=True))

    def etag(self, lead_id: str, owner: str) -> tuple[JsonObject, str]:
        """One lead of ``owner`` and its entity tag (its last update time); 404 otherwise."""
        snap = self._owned_snap(lead_id, owner)
        return snap.to_dict() or {}, tag_of(snap)

    def edit(
        self,
        lead_id: str,
        owner: str,
        change: Callable[[JsonObject], JsonObject],
        tags: tuple[str, ...] | None,
        truth: str | None = None,
    ) -> None:
        """Change one of ``owner``'s leads in one transaction: the lead is read, its tag
        checked against ``tags`` (strong comparison: a weak ``W/`` tag never matches), and
        only then are ``change(lead)`` and, with ``truth``, the correction of its email
        records written, together (a lead's first ``EDIT_RECORDS`` records; any beyond
        are corrected after it). A 412 has written nothing.

        Raises:
            NotFoundError: Not one of ``owner``'s leads.
            PreconditionFailedError: The lead changed since a tag in ``tags`` was read.
        """
        if not is_doc_id(lead_id):
            raise NotFoundError("no such lead")
        ref = self._db.collection(LEADS).document(lead_id)

        @firestore.transactional
        def run(txn: Sdk) -> int:
            snap = ref.get(transaction=txn)
            data = (snap.to_dict() or {}) if snap.exists else {}
            if data.get("owner") != owner:
                raise NotFoundError("no such lead")
            if tags is not None and tag_of(snap) not in tags:
                raise PreconditionFailedError("this lead changed since you loaded it: reload it")
            records = list(txn.get(self._records(owner, lead_id, EDIT_RECORDS))) if truth else []
            txn.update(ref, change(data))
            for record in records:
                txn.update(record.reference, {"correction": truth})
            return len(records)

        with store_errors("edit lead"):
            corrected = run(self._db.transaction())
        if truth is not None and corrected == EDIT_RECORDS:  # a lead of many emails
            self.correct_records(owner, lead_id, truth, MAX_CORRECTED)

    def _owned_snap(self, lead_id: str, owner: str) -> Sdk:
        if not is_doc_id(lead_id):
            raise NotFoundError("no such lead")
        with store_errors("read lead"):
            snap = self._db.collection(LEADS).document(lead_id).get()
        if not snap.exists or (snap.to_dict() or {}).get("owner") != owner:
            raise NotFoundError("no such lead")
        return snap

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

    def inquiries(
        self, owner: str, lead_id: str, limit: int, after: str | None = None
    ) -> list[JsonObject]:
        """A lead's inquiries (the records of its emails), newest first; ``after``: the
        record key of the last one of the previous page (unknown or another lead's: 404)."""
        query = self._records(owner, lead_id, limit)
        with store_errors("list inquiries"):
            if after is not None:
                query = query.start_after(self._cursor_record(owner, lead_id, after))
            return [d.to_dict() or {} for d in query.stream()]

    def _cursor_record(self, owner: str, lead_id: str, key: str) -> Sdk:
        """The record a cursor names: its key, or the owner-tagged key a hand-over moved it
        to (a cursor given before the mailbox changed hands still works); 404 otherwise."""
        for candidate in (key, f"{key.partition('~')[0]}~{owner_tag(owner)}"):
            snap = self._db.collection(MESSAGES).document(candidate).get()
            data = (snap.to_dict() or {}) if snap.exists else {}
            if data.get("owner") == owner and data.get("lead_id") == lead_id:
                return snap
        raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})

    def _records(self, owner: str, lead_id: str, limit: int) -> Sdk:
        return lead_records(self._db, owner, lead_id, limit)

    def recorded_count(self, mailbox: str, owner: str) -> int:
        """How many emails of ``mailbox`` have a record of ``owner`` (an aggregation: one
        read per 1,000 index entries, no record read)."""
        query: Sdk = (
            self._db.collection(MESSAGES)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("owner", "==", owner))
        )
        with store_errors("count records"):
            return count(query)

    def _unrecognised(self, mailbox: str, owner: str) -> Sdk:
        return (
            self._db.collection(MESSAGES)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("owner", "==", owner))
            .where(filter=firestore.FieldFilter("outcome", "==", "not_lead"))
            .where(filter=firestore.FieldFilter("needs_review", "==", True))
        )

    def unrecognised_count(self, mailbox: str, owner: str) -> int:
        """How many emails of ``mailbox`` wait for ``owner`` to say what they are: non-leads
        for review (a lead's record carries its inquiry's review state, which is not this);
        an aggregation over index ``messages_review_count``, one read per 1,000 entries."""
        with store_errors("count unrecognised emails"):
            return count(self._unrecognised(mailbox, owner))

    def unrecognised(
        self, mailbox: str, owner: str, limit: int, after: str | None
    ) -> tuple[list[JsonObject], str | None]:
        """A page of the emails of ``mailbox`` no outcome was named for, newest processed
        first, and the Gmail id to continue after (None on the last page).

        Raises:
            NotFoundError: ``after`` is not one of these emails.
        """
        query = self._unrecognised(mailbox, owner).order_by(
            "processed_at", direction=firestore.Query.DESCENDING
        )
        with store_errors("list unrecognised emails"):
            if after is not None:
                snap = self._db.collection(MESSAGES).document(message_key(mailbox, after)).get()
                data = (snap.to_dict() or {}) if snap.exists else {}
                if data.get("owner") != owner or data.get("mailbox") != mailbox:
                    raise NotFoundError("unknown cursor")
                query = query.start_after(snap)
            rows = [d.to_dict() or {} for d in query.limit(limit + 1).stream()]
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (str(rows[-1]["gmail_id"]) if more and rows else None)

    def processed_ids(self, mailbox: str, owner: str, limit: int) -> list[str]:
        """Gmail ids of up to ``limit`` emails of ``mailbox`` processed for ``owner`` (a
        former owner's records, moved aside, are not queued again)."""
        query = (
            self._db.collection(MESSAGES)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("owner", "==", owner))
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
