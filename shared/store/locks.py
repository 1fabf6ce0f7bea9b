"""``locks/{name}``: short leases so one mailbox is synced by one worker at a time."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import timedelta

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.clock import utcnow
from shared.errors import RetryableError
from shared.store.errors import store_errors
from shared.store.optimistic import unchanged_since
from shared.types import Sdk

COLLECTION = "locks"


class LockHeldError(RetryableError):
    """Another worker holds the lease; try again later."""

    code = "locked"


class Leases:
    """Lease locks with expiry (a crashed holder cannot block others past ``ttl``)."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    @contextlib.contextmanager
    def hold(self, name: str, ttl: timedelta) -> Iterator[str]:
        """Hold the lease ``name`` for the block; raises :class:`LockHeldError` if taken."""
        ref: Sdk = self._db.collection(COLLECTION).document(name)
        holder = uuid.uuid4().hex
        with store_errors("acquire lease"):
            self._acquire(ref, holder, ttl)
        try:
            yield holder
        finally:
            with contextlib.suppress(Exception), store_errors("release lease"):
                snap = ref.get()
                if snap.exists and (snap.to_dict() or {}).get("holder") == holder:
                    ref.delete(option=unchanged_since(self._db, snap))

    def _acquire(self, ref: Sdk, holder: str, ttl: timedelta) -> None:
        doc = {"holder": holder, "expires_at": utcnow() + ttl}
        try:
            ref.create(doc)
            return
        except gexc.AlreadyExists:
            pass
        snap = ref.get()
        if snap.exists and (snap.to_dict() or {}).get("expires_at", utcnow()) > utcnow():
            raise LockHeldError("lease is held")
        try:  # the holder's lease expired: take it over unless someone else just did
            if snap.exists:
                ref.update(doc, option=unchanged_since(self._db, snap))
            else:
                ref.create(doc)
        except (gexc.FailedPrecondition, gexc.AlreadyExists, gexc.NotFound) as exc:
            raise LockHeldError("lease was taken meanwhile") from exc
