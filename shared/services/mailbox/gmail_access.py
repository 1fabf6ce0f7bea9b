"""When a mailbox may call Gmail again, kept on its account for every instance: Gmail's
``Retry-After``, its daily limit until Google's quota day restarts, or a pause while Gmail
is down for the mailbox (an outage is waited out, never charged to its emails)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from shared.backoff import Backoff
from shared.clock import utcnow
from shared.errors import GmailRateLimitError, LeadHarvestError, RetryableError
from shared.gmail.gateway import Gmail
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


OUTAGE_PAUSE = Backoff(base_s=30.0, cap_s=1800.0, floor_s=5.0)  # 30 s, doubling, at most 30 minutes


def gmail_down(deps: HoldsAccounts, account: Account, gmail: Gmail) -> datetime | None:
    """Every email of a chunk failed for a passing reason: is Gmail down for this mailbox?
    One cheap call (``getProfile``, 1 unit) tells. If it fails too, the mailbox's work pauses
    as a whole (``gmail_retry_at``, each pause in a row twice as long up to 30 minutes:
    work resumes on its own, for as long as the outage lasts), its health says
    ``gmail_unavailable``, and one warning marks the start; returns when the pause ends.
    If it answers, the failures are the emails' own; None (and any outage is over)."""
    try:
        gmail.profile()
    except RetryableError:
        pass
    else:
        gmail_up(deps, account)
        return None
    now = utcnow()
    strikes = account.gmail_down_strikes + 1
    until = now + timedelta(seconds=OUTAGE_PAUSE.delay(strikes - 1))
    if account.gmail_down_since is None:
        account.gmail_down_since = now
        log.warning(
            "gmail unavailable: mailbox paused", extra={"fields": {"mailbox": account.mailbox}}
        )
    account.gmail_down_strikes, account.gmail_retry_at = strikes, until
    deps.accounts.update(
        account.mailbox,
        gmail_down_since=account.gmail_down_since,
        gmail_down_strikes=strikes,
        gmail_retry_at=until,
    )
    return until


def gmail_up(deps: HoldsAccounts, account: Account) -> None:
    """Gmail answered the mailbox again: an outage it was paused for is over."""
    if account.gmail_down_since is None:
        return
    lasted = round((utcnow() - account.gmail_down_since).total_seconds())
    account.gmail_down_since, account.gmail_down_strikes = None, 0
    deps.accounts.update(account.mailbox, gmail_down_since=None, gmail_down_strikes=0)
    log.info("gmail available again", extra={"fields": {"mailbox": account.mailbox, "s": lasted}})
