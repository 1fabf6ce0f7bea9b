"""Fetch a chunk's emails inside the mailbox's Gmail quota and the process's memory.

Each Gmail batch request carries one quota block of ``messages.get`` and goes out when its
block begins. The limiter hands a mailbox's blocks out one at a time, so about one block of
requests is in flight per mailbox and Gmail's per-user concurrency limit is not provoked;
when it is anyway (or a part answers 429), the part is fetched again in a later round, and
what is still throttled after the last round waits in the retry list without counting as an
attempt. Every request also waits for room in the process's fetch budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from shared.backoff import Backoff
from shared.errors import (
    ConfigError,
    GmailRateLimitError,
    InvalidGrantError,
    LeadHarvestError,
    MailboxBlockedError,
    RetryableError,
)
from shared.gmail.gateway import Gmail
from shared.ports import BoundsFetches, Configured, HoldsAccounts, SharesQuota
from shared.records import Account
from shared.services.mailbox.gmail_access import hold, wait_for_gmail

T = TypeVar("T")
FETCH_ROUNDS = 5
ROUNDS = Backoff(base_s=0.5, cap_s=4.0)  # pause before asking again for throttled emails
GET_UNITS = 5  # Gmail quota units of one messages.get
MAILBOX_WIDE = (InvalidGrantError, MailboxBlockedError, ConfigError)  # not about one email


class Ports(Configured, HoldsAccounts, SharesQuota, BoundsFetches, Protocol):
    """What fetching uses of the composition root."""


def gets_per_block(deps: SharesQuota) -> int:
    """How many ``messages.get`` one quota block pays for: the parts of one batch request."""
    return max(1, deps.quota.block_units // GET_UNITS)


@dataclass
class Fetcher:
    """Gmail calls for one chunk of one mailbox, paced by the shared limiter."""

    deps: Ports
    account: Account
    gmail: Gmail
    timings: dict[str, float] = field(default_factory=dict)

    def full_many(self, ids: list[str]) -> dict[str, bytes | LeadHarvestError]:
        """Mail too large to fetch whole: its text (up to ``EMAIL_MAX_BYTES``) and its
        attachments' names, from Gmail's ``format=full`` (``shared/gmail/full.py``)."""
        return self.gmail.get_full_many(ids, self.deps.settings.email_max_bytes)

    def _time(self, key: str, seconds: float) -> None:
        self.timings[key] = round(self.timings.get(key, 0.0) + seconds, 3)

    def rounds(
        self,
        ids: list[str],
        call: Callable[[list[str]], dict[str, T | LeadHarvestError]],
        use: Callable[[dict[str, T | LeadHarvestError], dict[str, LeadHarvestError]], None],
    ) -> dict[str, LeadHarvestError]:
        """``call`` Gmail for a quota block of ids at a time; ``use`` each answer (it records
        every email's failure, or clears it); ask again for what failed for a passing
        reason. Returns the failures left."""
        per_request = gets_per_block(self.deps)
        failures: dict[str, LeadHarvestError] = {}
        for round_no in range(FETCH_ROUNDS):
            for start in range(0, len(ids), per_request):
                try:
                    self._request(ids[start : start + per_request], call, use, failures)
                except GmailRateLimitError as exc:  # held by Gmail: the rest waits for it
                    failures.update({i: exc for i in ids[start:] if i not in failures})
                    return failures
                hold(self.deps, self.account, failures.values())
            ids = [i for i in ids if isinstance(failures.get(i), RetryableError)]
            if not ids or self.account.gmail_retry_at:
                break
            time.sleep(ROUNDS.delay(round_no))
        return failures

    def _request(
        self,
        part: list[str],
        call: Callable[[list[str]], dict[str, T | LeadHarvestError]],
        use: Callable[[dict[str, T | LeadHarvestError], dict[str, LeadHarvestError]], None],
        failures: dict[str, LeadHarvestError],
    ) -> None:
        t0 = time.monotonic()
        wait_for_gmail(self.account)
        waited = self.deps.quota.acquire(self.account.mailbox, GET_UNITS * len(part))
        self._time("quota_wait_s", waited)
        with self.deps.fetch_budget.hold(len(part)) as room:  # the answers live only inside
            t1 = time.monotonic()
            answers = call(part)
            t2 = time.monotonic()
            room.keep(sum(len(a) for a in answers.values() if isinstance(a, bytes)))
            wide = next((e for e in answers.values() if isinstance(e, MAILBOX_WIDE)), None)
            if wide is not None:
                raise wide
            use(answers, failures)
            del answers
        self._time("reserve_s", t1 - t0 - waited)
        self._time("fetch_s", t2 - t1)
        self._time("store_s", time.monotonic() - t2)
