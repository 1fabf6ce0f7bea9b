"""``quota_slots/{mailbox}:{n}``: a Gmail quota limiter shared by every instance.

Time is cut into blocks long enough for one chunk's calls at the allowed rate. A worker
owns block ``n`` by creating its document (a second creator gets a conflict and tries
the next block) and starts its calls at the block's start. Every document is written
exactly once, so no document sees more than one write, however busy the mailbox.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from shared.clock import utcnow
from shared.errors import GmailRateLimitError
from shared.store.errors import store_errors

COLLECTION = "quota_slots"


class QuotaSlots:
    """Reserves time for ``units`` of Gmail quota per mailbox.

    Args:
        db: Firestore client.
        units_per_second: The share of the per-user quota this limiter may hand out.
        block_units: Units one block covers (the cost of the largest chunk).
    """

    def __init__(
        self,
        db: firestore.Client,
        units_per_second: float,
        block_units: int,
        max_wait_s: float = 30.0,
    ) -> None:
        self._db = db
        self.block_s = block_units / units_per_second
        self.max_blocks = max(1, int(max_wait_s / self.block_s))

    def acquire(self, mailbox: str) -> float:
        """Reserve the earliest free block and sleep until it starts; returns seconds waited."""
        first = math.floor(time.time() / self.block_s)
        col: Any = self._db.collection(COLLECTION)
        expires = utcnow() + timedelta(minutes=10)
        for n in range(first, first + self.max_blocks):
            try:
                with store_errors("reserve quota"):
                    col.document(f"{mailbox}:{n}").create({"expires_at": expires})
            except AlreadyExists:
                continue
            wait = max(0.0, n * self.block_s - time.time())
            time.sleep(wait)
            return wait
        raise GmailRateLimitError(f"no Gmail quota free for the next {self.max_blocks} blocks")
