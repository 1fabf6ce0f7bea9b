"""The one retry policy: exponential backoff with full jitter.

The n-th wait (n from 0) is drawn uniformly from ``[floor, min(cap, base x 2^n)]``; with the
default floor of 0 this is the "full jitter" of AWS's backoff analysis, which spreads
retrying callers best. Used for Firestore write conflicts, the Gmail calls a user waits on,
the pause between a chunk's fetch rounds, and the schedule of stored email retries.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """How long to wait before each retry, and how many attempts to make in-process."""

    base_s: float
    cap_s: float
    attempts: int = 5
    floor_s: float = 0.0

    def delay(self, n: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``n``-th failed attempt (from 0)."""
        ceiling = max(self.floor_s, min(self.cap_s, self.base_s * 2**n))
        return (rng or random).uniform(self.floor_s, ceiling)

    def call(
        self,
        attempt: Callable[[], T],
        retry_on: tuple[type[BaseException], ...],
        sleep: Callable[[float], None] = time.sleep,
        retry_if: Callable[[BaseException], bool] = lambda _exc: True,
    ) -> T:
        """``attempt()`` until it succeeds or the attempts run out (the last error is raised);
        an error of ``retry_on`` that ``retry_if`` refuses is raised at once."""
        for n in range(self.attempts - 1):
            try:
                return attempt()
            except retry_on as exc:
                if not retry_if(exc):
                    raise
                sleep(self.delay(n))
        return attempt()
