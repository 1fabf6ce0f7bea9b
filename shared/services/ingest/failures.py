"""Emails a chunk could not process go to the retry list (or are parked), each with why."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.errors import (
    GmailRateLimitError,
    GmailUnavailableError,
    InvalidGrantError,
    LeadHarvestError,
    MessageGoneError,
)
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.ports import HoldsRetries
from shared.records import Failure
from shared.services.mailbox.gmail_access import latest_retry_at
from shared.vocabulary import ChunkOutcome, Outcomes, RetryState

log = get_logger("process")
UNDONE: frozenset[ChunkOutcome] = frozenset({"failed", "dead", "parked"})  # in the retry list
# A failed email's place in its chunk, by the state its retry entry is left in
OUTCOME_OF: dict[RetryState, ChunkOutcome] = {
    "pending": "failed",
    "parked": "parked",
    "dead": "dead",
    "resolved": "failed",
}


class Ports(HoldsRetries, Protocol):
    """What recording failures uses of the composition root."""


def record_failures(
    deps: Ports,
    job: ChunkJob,
    owner: str,
    ids: list[str],
    failures: dict[str, LeadHarvestError],
    park: bool,
    now: datetime,
    *,
    outage: datetime | None = None,
) -> Outcomes:
    """The outcome of each of ``ids`` (none processed): ``gone``, ``failed`` (pending in the
    retry list), ``parked`` or ``dead``. Gmail's Retry-After holds the whole mailbox, so no
    rate-limited email is retried before the latest one given. ``outage``: Gmail is down for
    the mailbox (``gmail_access.gmail_down``) until at least then, so its errors are not the
    emails' attempts and none is retried before the mailbox's pause ends."""
    held = latest_retry_at(failures.values())
    outcomes: Outcomes = {}
    for gmail_id in ids:
        error = failures.get(gmail_id) or InvalidGrantError("mailbox not connected")
        if isinstance(error, MessageGoneError):
            outcomes[gmail_id] = "gone"  # deleted in Gmail: nothing left to process
            continue
        throttled = isinstance(error, GmailRateLimitError)
        transient = outage is not None and isinstance(error, GmailUnavailableError)
        not_before = held if throttled else (outage if transient else None)
        failure = Failure(
            gmail_id, type(error).__name__, str(error), not_before, throttled, transient
        )
        outcomes[gmail_id] = fail_one(deps, job, owner, failure, now, park=park)
    return outcomes


def resolve_done(deps: Ports, job: ChunkJob, outcomes: Outcomes, now: datetime) -> None:
    """Resolve the retry entries (in ``job``'s batch) of the emails that now have a final
    outcome other than a failure."""
    done = [i for i, o in outcomes.items() if o not in UNDONE]
    deps.retries.resolve(job.mailbox, job.batch_id, done, now)


def fail_one(
    deps: Ports,
    job: ChunkJob,
    owner: str,
    failure: Failure,
    now: datetime,
    *,
    park: bool = False,
    trigger: str = "retry",
) -> ChunkOutcome:
    """Count one more failed attempt of an email of ``job``; its outcome: ``failed``
    (pending in the retry list), ``parked`` or ``dead`` (logged: an alert counts it)."""
    state = deps.retries.fail(
        job.mailbox,
        job.batch_id,
        job.chunk_id,
        failure,
        now,
        park=park,
        owner=owner,
        trigger=trigger,
    )
    if state == "dead":
        fields = {"batch_id": job.batch_id, "error_class": failure.error_class}
        log.error("email dead", extra={"fields": fields})
    return OUTCOME_OF[state]
