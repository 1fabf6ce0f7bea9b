"""How much raw email one process may hold at once. A request reserves room for its parts
at the largest size the pipeline fetches (``EMAIL_MAX_BYTES``; larger emails are never
fetched), and once Gmail has answered keeps only what the answer really holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Room:
    """Bytes one request holds of the budget."""

    def __init__(self, budget: FetchBudget, held: int) -> None:
        self._budget = budget
        self.held = held

    def keep(self, nbytes: int) -> None:
        """Keep only ``nbytes`` (what was fetched); the rest goes back at once."""
        kept = max(0, min(self.held, nbytes))
        self._budget.give_back(self.held - kept)
        self.held = kept


class FetchBudget:
    """Raw email bytes in flight in this process.

    Args:
        budget_bytes: Raw bytes the process may hold in fetched emails.
        email_max_bytes: The largest email fetched; a request reserves this per part.
    """

    def __init__(self, budget_bytes: int, email_max_bytes: int) -> None:
        self.total = max(1, budget_bytes)
        self.email_max = max(1, email_max_bytes)
        self._free = self.total
        self._cond = threading.Condition()

    @property
    def free(self) -> int:
        """Bytes not held by any request."""
        return self._free

    @contextmanager
    def hold(self, parts: int) -> Iterator[Room]:
        """Wait for room for ``parts`` emails of the largest size (all at once, so two
        waiters never starve each other holding halves); give it back on exit."""
        want = min(max(1, parts) * self.email_max, self.total)
        with self._cond:
            self._cond.wait_for(lambda: self._free >= want)
            self._free -= want
        room = Room(self, want)
        try:
            yield room
        finally:
            self.give_back(room.held)
            room.held = 0

    def give_back(self, nbytes: int) -> None:
        """Return ``nbytes`` to the budget."""
        with self._cond:
            self._free += nbytes
            self._cond.notify_all()
