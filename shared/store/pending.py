"""``pending_connections/{id}``: a consent Google granted, waiting for the signed-in user who
started it to confirm it (the OAuth callback never binds a mailbox by itself)."""

from __future__ import annotations

from datetime import datetime, timedelta

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.ids import is_doc_id
from shared.records import Pending
from shared.store.errors import store_errors
from shared.store.optimistic import unchanged_since

COLLECTION = "pending_connections"
TTL = timedelta(minutes=10)
# Firestore's TTL removes a pending document a day after it expired (TTL deletes within
# about a day): the scheduled purge has deleted its secret long before.
PURGE_AFTER = timedelta(days=1)


class PendingConnections:
    """Creates and takes (once) pending connections."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def create(self, pending: Pending, now: datetime) -> None:
        """Keep a granted consent for ten minutes."""
        with store_errors("create pending connection"):
            self._db.collection(COLLECTION).document(pending.id).create(
                {
                    "user": pending.user,
                    "mailbox": pending.mailbox,
                    "secret_name": pending.secret_name,
                    "expires_at": now + TTL,
                    "purge_at": now + TTL + PURGE_AFTER,
                }
            )

    def take(self, pending_id: str, now: datetime) -> Pending | None:
        """The pending connection, removed (single use); None if unknown or already taken;
        ``expired`` set when older than ``TTL`` (its secret is the caller's to delete)."""
        if not is_doc_id(pending_id):
            return None
        ref = self._db.collection(COLLECTION).document(pending_id)
        with store_errors("take pending connection"):
            snap = ref.get()
            if not snap.exists:
                return None
            try:  # single use: only the first delete of this version wins
                ref.delete(option=unchanged_since(self._db, snap))
            except gexc.FailedPrecondition:
                return None
        return _pending(pending_id, snap.to_dict() or {}, now)

    def expired(self, now: datetime, limit: int) -> list[Pending]:
        """Up to ``limit`` pending connections past their ten minutes (never confirmed)."""
        query = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("expires_at", "<=", now))
            .limit(limit)
        )
        with store_errors("list expired pending connections"):
            return [_pending(s.id, s.to_dict() or {}, now) for s in query.stream()]

    def drop(self, pending_id: str) -> None:
        """Forget a pending connection (its secret was deleted)."""
        with store_errors("drop pending connection"):
            self._db.collection(COLLECTION).document(pending_id).delete()


def _pending(pending_id: str, data: dict[str, object], now: datetime) -> Pending:
    expires = data.get("expires_at")
    return Pending(
        pending_id,
        str(data.get("user")),
        str(data.get("mailbox")),
        str(data.get("secret_name")),
        expired=not isinstance(expires, datetime) or expires <= now,
    )
