"""When a mailbox may call Gmail again, kept on its account for every instance: Gmail's
``Retry-After``, or its daily limit until Google's quota day restarts."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from shared.clock import utcnow
from shared.errors import GmailRateLimitError, LeadHarvestError
from shared.logs import get_logger
from shared.ports import HoldsAccounts
from shared.records import Account

log = get_logger("gmail_access")
SHORT_HOLD_S = 5.0  # a hold this short is slept through; a longer one defers the work


def held_until(account: Account, now: datetime | None = None) -> datetime | None:
    """When Gmail said this mailbox may be called again, if that is still ahead."""
    until = account.gmail_retry_at
    return until if until is not None and until > (now or utcnow()) else None


def wait_for_gmail(account: Account) -> None:
    """Sleep through a short hold; a longer one raises (the work is retried after it).

    Raises:
        GmailRateLimitError: With ``retry_at``, while Gmail's ``Retry-After`` holds.
    """
    until = held_until(account)
    if until is None:
        return
    wait = (until - utcnow()).total_seconds()
    if wait > SHORT_HOLD_S:
        raise GmailRateLimitError("Gmail asked to wait before calling again", retry_at=until)
    time.sleep(max(0.0, wait))


def latest_retry_at(errors: Iterable[LeadHarvestError]) -> datetime | None:
    """The latest ``Retry-After`` Gmail gave among ``errors``, if any."""
    return max(
        (e.retry_at for e in errors if isinstance(e, GmailRateLimitError) and e.retry_at),
        default=None,
    )


def hold(deps: HoldsAccounts, account: Account, errors: Iterable[LeadHarvestError]) -> None:
    """Record the latest ``Retry-After`` among ``errors`` on the account (never earlier)."""
    latest = latest_retry_at(errors)
    if latest is None or (account.gmail_retry_at and latest <= account.gmail_retry_at):
        return
    account.gmail_retry_at = latest
    deps.accounts.update(account.mailbox, gmail_retry_at=latest)
    wait = round((latest - utcnow()).total_seconds(), 1)
    log.warning("Gmail asked to wait", extra={"fields": {"mailbox": account.mailbox, "s": wait}})
