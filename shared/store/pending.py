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
                }
            )

    def take(self, pending_id: str, now: datetime) -> Pending | None:
        """The pending connection, removed (single use); None if unknown or expired."""
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
        data = snap.to_dict() or {}
        expires = data.get("expires_at")
        if not isinstance(expires, datetime) or expires <= now:
            return None
        return Pending(
            pending_id, str(data["user"]), str(data["mailbox"]), str(data["secret_name"])
        )
