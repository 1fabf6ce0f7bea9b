"""``quota_slots/{mailbox}:{n}``: a Gmail quota limiter shared by every instance.

Time is cut into blocks, each worth a few calls at the allowed rate. A worker owns block
``n`` by creating its document (a second creator gets a conflict and tries the next block),
takes as many blocks as its calls need, and starts when its first block starts. Every
document is written exactly once, so no document sees more than one write, however busy
the mailbox.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared.clock import utcnow
from shared.errors import QuotaBusyError
from shared.store.errors import store_errors
from shared.types import Sdk

COLLECTION = "quota_slots"


class QuotaSlots:
    """Reserves time for Gmail quota units per mailbox.

    Args:
        db: Firestore client.
        units_per_second: The share of the per-user quota this limiter may hand out.
        block_units: Units one block covers; a call reserves as many blocks as it needs.
        max_wait_s: How far ahead a reservation may reach: a worker waits at most this long
            for its mailbox's quota, else :class:`QuotaBusyError` (the bulk window keeps a
            mailbox's reservations about 2 s ahead, so this is rare).
    """

    def __init__(
        self,
        db: firestore.Client,
        units_per_second: float,
        block_units: int,
        max_wait_s: float = 5.0,
    ) -> None:
        self._db = db
        self.block_units = block_units
        self.block_s = block_units / units_per_second
        self.max_blocks = max(1, int(max_wait_s / self.block_s))

    def acquire(self, mailbox: str, units: int, max_wait_s: float | None = None) -> float:
        """Reserve blocks for ``units`` and sleep until the first one starts; returns the wait.
        ``max_wait_s``: a shorter reach than the limiter's for this call."""
        need = max(1, math.ceil(units / self.block_units))
        reach = self.max_blocks if max_wait_s is None else max(1, int(max_wait_s / self.block_s))
        first = math.floor(time.time() / self.block_s)
        col: Sdk = self._db.collection(COLLECTION)
        expires = utcnow() + timedelta(minutes=10)
        got: list[int] = []
        for n in range(first, first + reach):
            try:
                with store_errors("reserve quota"):
                    col.document(f"{mailbox}:{n}").create({"expires_at": expires})
            except AlreadyExists:
                continue
            got.append(n)
            if len(got) == need:
                # Start with the first block: the blocks pay for the calls over their span,
                # and Gmail's limit is a moving average that absorbs one such burst.
                wait = max(0.0, got[0] * self.block_s - time.time())
                time.sleep(wait)
                return wait
        raise QuotaBusyError(f"no Gmail quota free in the next {reach} blocks")
