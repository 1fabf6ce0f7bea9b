"""Process one chunk: fetch the emails Gmail-batched, parse, upsert leads, record outcomes.

Emails already recorded are not fetched again. Per-email failures (Gmail 429/5xx for one
message after in-chunk retries, a parser that raises, a write Firestore refuses) go to the
retry list; whole-chunk failures raise so Pub/Sub redelivers. A revoked token parks the
chunk until reconnect, a Workspace policy until a sync works again; Gmail's ``Retry-After``
holds the whole mailbox, and its emails wait in the retry list until then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from shared.clock import utcnow
from shared.errors import (
    GmailRateLimitError,
    GmailUnavailableError,
    InvalidGrantError,
    LeadHarvestError,
    MailboxBlockedError,
    RetryableError,
)
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.parsing import Lead
from shared.ports import (
    BoundsFetches,
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsLeads,
    HoldsLeases,
    HoldsRetries,
    Publishes,
    ReachesGmail,
    SharesQuota,
)
from shared.records import Account, BatchEmail
from shared.services.ingest.failures import UNDONE, record_failures, resolve_done
from shared.services.ingest.fetch import Fetcher
from shared.services.ingest.queue import FULL_CHUNK
from shared.services.ingest.reparse import reparse_chunk
from shared.services.ingest.store_chunk import store_fetched
from shared.services.ingest.window import finish, follower_sent
from shared.services.mailbox.account_state import mark_blocked, mark_needs_reauth
from shared.services.mailbox.gmail_access import gmail_down, gmail_up
from shared.vocabulary import Outcomes


class Ports(
    Configured,
    HoldsAccounts,
    ReachesGmail,
    SharesQuota,
    HoldsLeads,
    HoldsRetries,
    HoldsBatches,
    Publishes,
    HoldsLeases,
    BoundsFetches,
    Protocol,
):
    """What process uses of the composition root."""


log = get_logger("process")


def _in_label(fetcher: Fetcher, label_id: str, ids: list[str]) -> tuple[list[str], list[str]]:
    """Split chosen ids into those in the lead label and the rest, reading only their
    labels. An id whose labels could not be read is left out too: nothing outside the label
    is read, and an email that is in it has no record, so the audit queues it again."""
    outside: list[str] = []

    def use(
        answers: dict[str, frozenset[str] | LeadHarvestError], failures: dict[str, LeadHarvestError]
    ) -> None:
        for gmail_id, labels in answers.items():
            if isinstance(labels, RetryableError):
                failures[gmail_id] = labels
                continue
            failures.pop(gmail_id, None)
            if isinstance(labels, LeadHarvestError) or label_id not in labels:
                outside.append(gmail_id)

    unknown = fetcher.rounds(ids, fetcher.gmail.labels_many, use)
    outside += [i for i in unknown if i not in outside]
    return [i for i in ids if i not in outside], outside


def _fetch(
    deps: Ports, job: ChunkJob, todo: list[str], save: Callable[[str, Lead, bytes], None]
) -> tuple[dict[str, LeadHarvestError], list[str], dict[str, float]]:
    """Fetch, parse and save; returns the failures, the ids a person chose (``manual``)
    found outside the lead label, and the timings."""
    account = deps.accounts.get(job.mailbox)
    assert account is not None
    fetcher = Fetcher(deps, account, deps.gmail_for(account))
    outside: list[str] = []
    if job.trigger == "manual":
        todo, outside = _in_label(fetcher, account.label_id, todo)

    def use(
        answers: dict[str, bytes | LeadHarvestError], failures: dict[str, LeadHarvestError]
    ) -> None:
        store_fetched(answers, deps.settings, save, failures)

    whole = not job.chunk_id.startswith(FULL_CHUNK)  # else too large: text and file names
    get = fetcher.gmail.get_raw_many if whole else fetcher.full_many
    return fetcher.rounds(todo, get, use), outside, fetcher.timings


def _outage(
    deps: Ports,
    account: Account,
    todo: list[str],
    left: list[str],
    failures: dict[str, LeadHarvestError],
) -> datetime | None:
    """When the mailbox's pause ends if Gmail is down for it (its emails are then not
    charged): every email failed for a passing reason of Gmail's own and a probe fails too.
    An email done ends any outage the mailbox was paused for."""
    if not todo:
        return None
    if len(left) < len(todo):
        gmail_up(deps, account)
        return None
    if not all(isinstance(failures.get(i), GmailUnavailableError) for i in left):
        return None
    return gmail_down(deps, account, deps.gmail_for(account))


def process_chunk(deps: Ports, job: ChunkJob) -> Outcomes:
    """Process one chunk job; returns the outcome of each email."""
    now = utcnow()
    account = deps.accounts.get(job.mailbox)
    if account is None:
        log.warning(
            "chunk for an unknown mailbox dropped", extra={"fields": {"batch": job.batch_id}}
        )
        return {}
    sent = follower_sent(deps, job)  # an earlier run finished: its follower is out
    if job.trigger == "reparse":
        reparsed = reparse_chunk(deps, job)
        finish(deps, job, reparsed, sent, started=now)
        return reparsed
    outcomes: Outcomes = {}
    for gmail_id, rec in deps.leads.existing(job.mailbox, job.ids).items():
        outcomes[gmail_id] = rec.outcome if rec.batch_id == job.batch_id else "duplicate"
    todo = [i for i in dict.fromkeys(job.ids) if i not in outcomes]
    failures: dict[str, LeadHarvestError] = {}
    timings: dict[str, float] = {}
    park = account.state != "connected"

    def save(gmail_id: str, lead: Lead, raw: bytes) -> None:
        email = BatchEmail(job.mailbox, gmail_id, job.batch_id, account.owner)
        stored = deps.leads.store(email, lead, raw, utcnow())
        outcomes[gmail_id] = stored.outcome if stored.batch_id == job.batch_id else "duplicate"

    if todo and not park:
        try:
            failures, outside, timings = _fetch(deps, job, todo, save)
            outcomes |= dict.fromkeys(outside, "gone")  # chosen, not in the lead label
        except InvalidGrantError as exc:
            mark_needs_reauth(deps, account, str(exc))
            park = True
        except MailboxBlockedError as exc:
            mark_blocked(deps, account, exc.message)
            park = True
        except GmailRateLimitError as exc:  # held by Gmail's Retry-After: wait in the list
            failures = {i: exc for i in todo}
    left = [i for i in todo if i not in outcomes]
    pause = None if park else _outage(deps, account, todo, left, failures)  # nobody charged
    # from now, not the start: the fetch rounds may have taken seconds
    outcomes |= record_failures(
        deps, job, account.owner, left, failures, park, utcnow(), outage=pause
    )
    if job.trigger == "retry":
        resolve_done(deps, job, outcomes, now)
    finish(deps, job, outcomes, sent, started=now)
    log.info(
        "chunk processed",
        extra={
            "fields": {
                "batch_id": job.batch_id,
                "chunk_id": job.chunk_id,
                "emails": len(job.ids),
                "failed": sum(1 for o in outcomes.values() if o in UNDONE),
                **timings,
            }
        },
    )
    return outcomes
