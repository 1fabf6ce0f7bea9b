"""Sync one mailbox: find new emails in the watched label and queue them in chunks.

History is read from the account's cursor through every page (a stale cursor falls back to
a full list of the label). Chunks are published before the cursor moves, so a crash never
skips mail; the cursor only moves forward. One worker per mailbox at a time (a lease), and
after a round that found mail the sync looks again until the mailbox is quiet, because
Gmail drops notifications above one a second.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Protocol

from shared.clock import utcnow
from shared.errors import GmailRateLimitError, InvalidGrantError, MailboxBlockedError
from shared.events import SyncJob
from shared.gmail.errors import HistoryGoneError
from shared.gmail.gateway import Gmail
from shared.logs import get_logger
from shared.ports import (
    CountsRecords,
    HoldsAccounts,
    HoldsLeads,
    HoldsLeases,
    HoldsRetries,
    Queues,
    ReachesGmail,
)
from shared.records import Account
from shared.services.ingest.oversized import oversized_ids
from shared.services.ingest.queue import queue_batch
from shared.services.mailbox.account_state import mark_blocked, mark_needs_reauth, mark_reachable
from shared.services.mailbox.gmail_access import hold, wait_for_gmail
from shared.services.scheduled.audit import audit_mailbox


class Ports(
    Queues,
    HoldsAccounts,
    HoldsLeases,
    ReachesGmail,
    HoldsLeads,
    CountsRecords,
    HoldsRetries,
    Protocol,
):
    """What sync uses of the composition root."""


log = get_logger("sync")
LEASE = timedelta(minutes=9)
FOLLOW_UP_S = 1.2
FOLLOW_UP_MAX_S = 30.0
CURSOR_EVERY_S = 5.0


def _round(
    deps: Ports, gmail: Gmail, account: Account, job: SyncJob, full: bool, seen: set[str]
) -> int:
    """One look at the mailbox; queues what is new and moves the in-memory cursor. ``seen``
    holds the ids this sync queued already: mail that arrives while the label is listed is
    in the list and in the next round's history (the cursor is taken before listing)."""
    start = account.history_id
    if not full:
        try:
            ids, latest = gmail.history_ids(start, account.label_id)
        except HistoryGoneError:
            log.warning(
                "history cursor is stale; listing the whole label",
                extra={"fields": {"mailbox": account.mailbox}},
            )
            full = True
    if full:
        _, latest = gmail.profile()  # taken before listing: nothing added after is missed
        ids = list(reversed(gmail.list_ids(account.label_id)))
    ids = [i for i in ids if i not in seen]
    seen.update(ids)
    big = oversized_ids(gmail, deps.settings, account.label_id, ids)
    queue_batch(deps, account, job.trigger, start, ids, big)
    account.history_id = max(account.history_id, latest)
    return len(ids)


class _Cursor:
    """Writes the cursor forward after chunks are published, at most every few seconds."""

    def __init__(self, deps: Ports, account: Account) -> None:
        self.deps, self.account = deps, account
        self.saved, self.at = account.history_id, time.monotonic()
        self.started = self.saved

    def save(self, force: bool = False) -> None:
        due = force or time.monotonic() - self.at >= CURSOR_EVERY_S
        if self.account.history_id > self.saved and due:
            self.deps.accounts.advance_cursor(
                self.account.mailbox, self.account.history_id, utcnow()
            )
            self.saved, self.at = self.account.history_id, time.monotonic()


def sync_mailbox(deps: Ports, job: SyncJob) -> int:
    """Run one sync job; returns how many emails were queued."""
    account = deps.accounts.get(job.mailbox)
    if account is None or account.state not in ("connected", "blocked"):
        log.info("sync skipped: mailbox not connected", extra={"fields": {"mailbox": job.mailbox}})
        return 0
    queued = 0
    with deps.leases.hold(f"sync:{account.mailbox}", LEASE):
        account = deps.accounts.get(job.mailbox) or account  # the cursor as of holding the lease
        cursor = _Cursor(deps, account)
        try:
            wait_for_gmail(account)
            gmail = deps.gmail_for(account)
            if account.state == "blocked":  # answers again? then its chunks are not parked
                gmail.profile()
                mark_reachable(deps, account)
            if job.trigger == "audit":  # under the lease: no sync queues meanwhile
                return audit_mailbox(deps, account, gmail).queued
            if job.trigger == "backfill":  # a new owner makes its own leads from this mail
                deps.leads.hand_over(account.mailbox, account.owner)
            seen: set[str] = set()
            found = queued = _round(deps, gmail, account, job, job.full, seen)
            deadline = time.monotonic() + FOLLOW_UP_MAX_S
            while found and time.monotonic() < deadline:
                cursor.save()
                time.sleep(FOLLOW_UP_S)
                # what history shows after the first round is new mail: a push batch
                push = SyncJob(account.mailbox, "push")
                found = _round(deps, gmail, account, push, False, seen)
                queued += found
            cursor.save(force=True)
            last = account.last_sync_at
            moved = cursor.saved > cursor.started  # advancing the cursor stamped the sync
            if not moved and (last is None or utcnow() - last > timedelta(minutes=1)):
                deps.accounts.update(account.mailbox, last_sync_at=utcnow())
        except InvalidGrantError as exc:
            mark_needs_reauth(deps, account, str(exc))
        except MailboxBlockedError as exc:
            mark_blocked(deps, account, exc.message)
        except GmailRateLimitError as exc:
            hold(deps, account, [exc])
            raise  # retryable: the job comes back after Pub/Sub's backoff
    return queued
