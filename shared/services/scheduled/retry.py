"""The retry sweep: due entries of the retry list go back to processing as chunks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol, cast

from shared.clock import utcnow
from shared.events import TRIGGERS, ChunkJob
from shared.logs import get_logger
from shared.ports import Configured, HoldsAccounts, HoldsBatches, HoldsRetries, Publishes
from shared.records import RetryEntry
from shared.vocabulary import Trigger


class Ports(Configured, Publishes, HoldsRetries, HoldsAccounts, HoldsBatches, Protocol):
    """What retry uses of the composition root."""


log = get_logger("retry")
SWEEP_LIMIT = 1000
SWEEP_PAGES = 10  # a sweep handles up to 10,000 due entries; the next one goes on
PARKED_MAILBOXES = 500  # mailboxes with parked work one sweep looks at
IN_FLIGHT = timedelta(minutes=10)
STUCK_AFTER = timedelta(minutes=30)  # an unfinished batch this long without progress is stuck
STUCK_PAGES = 10  # pages of open batches without progress one sweep looks at (50 each)


def _requeue(deps: Ports, entries: list[RetryEntry]) -> int:
    """Publish entries as chunks with their original chunk ids, so outcomes are overwritten."""
    groups: dict[tuple[str, str, str, Trigger], list[str]] = defaultdict(list)
    for entry in entries:
        # a failed re-parse is retried as a re-parse, not as processing (which would see the
        # email's record and call it a duplicate, leaving the old parse in place)
        trigger: Trigger = "reparse" if entry.trigger == "reparse" else "retry"
        key = (entry.mailbox, entry.batch_id, entry.chunk_id, trigger)
        groups[key].append(entry.message_id)
    size = deps.settings.chunk_size
    jobs = [
        ChunkJob(
            batch_id=batch, chunk_id=chunk, mailbox=mailbox, ids=ids[i : i + size], trigger=kind
        )
        for (mailbox, batch, chunk, kind), ids in groups.items()
        for i in range(0, len(ids), size)
    ]
    if jobs:
        deps.publisher.publish(deps.settings.topic_batches, jobs)
        # not due again while in flight; processing resolves or re-schedules them
        deps.retries.requeued(entries, utcnow() + IN_FLIGHT)
    return len(entries)


class Connected:
    """Whether a mailbox is connected, each account read once, only when asked."""

    def __init__(self, deps: Ports) -> None:
        self._deps = deps
        self._known: dict[str, bool] = {}

    def __call__(self, mailbox: str) -> bool:
        if mailbox not in self._known:
            account = self._deps.accounts.get(mailbox)
            self._known[mailbox] = account is not None and account.state == "connected"
        return self._known[mailbox]


def retry_due(deps: Ports) -> int:
    """Requeue the due pending entries of connected mailboxes, oldest first; park the due
    entries of mailboxes that are not connected (a reconnect resumes them), so they never
    crowd the others out of the sweep; resume parked entries of mailboxes connected again (a
    chunk still running at a reconnect may park emails after it). Returns how many emails
    were requeued."""
    now = utcnow()
    connected = Connected(deps)  # only the mailboxes with work are read
    resumed = _resume_parked(deps, connected)
    count, seen, parked = resumed, 0, 0
    for _ in range(SWEEP_PAGES):
        due = deps.retries.due(now, SWEEP_LIMIT)
        stale = [e for e in due if not connected(e.mailbox)]
        deps.retries.parked(stale, now)
        count += _requeue(deps, [e for e in due if connected(e.mailbox)])
        seen, parked = seen + len(due), parked + len(stale)
        if len(due) < SWEEP_LIMIT:
            break
    stuck = requeue_stuck(deps, connected)
    fields = {"due": seen, "parked": parked, "resumed": resumed, "requeued": count}
    log.info("retry sweep", extra={"fields": {**fields, "stuck_requeued": stuck}})
    return count + stuck


def _resume_parked(deps: Ports, connected: Connected) -> int:
    """Parked work of connected mailboxes back to processing, mailbox by mailbox: one read
    per mailbox that has parked entries (however many a gone mailbox has), so a connected
    mailbox's entry resumes in the first sweep whatever else is parked; at most
    ``PARKED_MAILBOXES`` mailboxes a sweep (none, usually: one read)."""
    resumed, after = 0, None
    for _ in range(PARKED_MAILBOXES):
        mailbox = deps.retries.next_mailbox("parked", after)
        if mailbox is None:
            break
        if connected(mailbox):
            resumed += unpark(deps, mailbox)
        after = mailbox
    return resumed


def requeue_stuck(deps: Ports, connected: Callable[[str], bool]) -> int:
    """Send again the chunks of unfinished batches of any age without progress for
    ``STUCK_AFTER`` (a chunk message lost or dead-lettered): their ids without an outcome,
    for the mailboxes ``connected`` says are; returns how many."""
    now = utcnow()
    jobs = [
        ChunkJob(
            batch_id=c.batch_id,
            chunk_id=c.chunk_id,
            mailbox=c.mailbox,
            ids=c.ids,
            trigger=cast(Trigger, c.trigger if c.trigger in TRIGGERS else "retry"),
        )
        for c in deps.batches.stuck(now - STUCK_AFTER, now, STUCK_PAGES)
        if connected(c.mailbox)
    ]
    if jobs:
        deps.publisher.publish(deps.settings.topic_batches, jobs)
        log.warning("stuck batches sent again", extra={"fields": {"chunks": len(jobs)}})
    return sum(len(j.ids) for j in jobs)


def retry_batch(deps: Ports, batch_id: str) -> int:
    """Requeue a batch's failed and dead entries now (an operator's request)."""
    return _requeue(deps, deps.retries.for_batch(batch_id, ("pending", "dead")))


def unpark(deps: Ports, mailbox: str) -> int:
    """After a reconnect, parked entries of the mailbox go back to processing."""
    return _requeue(deps, deps.retries.for_mailbox(mailbox, "parked"))
