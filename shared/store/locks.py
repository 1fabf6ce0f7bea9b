"""``locks/{name}``: short leases so one mailbox is synced by one worker at a time."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from google.cloud import firestore

from shared.clock import utcnow
from shared.errors import RetryableError
from shared.store.errors import store_errors

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
        ref: Any = self._db.collection(COLLECTION).document(name)
        holder = uuid.uuid4().hex

        @firestore.transactional
        def acquire(txn: firestore.Transaction) -> bool:
            snap = ref.get(transaction=txn)
            now = utcnow()
            if snap.exists and (snap.to_dict() or {}).get("expires_at", now) > now:
                return False
            txn.set(ref, {"holder": holder, "expires_at": now + ttl})
            return True

        with store_errors("acquire lease"):
            if not acquire(self._db.transaction()):
                raise LockHeldError(f"lease {name} is held")
        try:
            yield holder
        finally:
            with contextlib.suppress(Exception), store_errors("release lease"):
                snap = ref.get()
                if snap.exists and (snap.to_dict() or {}).get("holder") == holder:
                    ref.delete(option=self._db.write_option(last_update_time=snap.update_time))
