"""Process one chunk: fetch the emails Gmail-batched, parse, upsert leads, record outcomes.

Emails already recorded are not fetched again. Per-email failures (Gmail 429/5xx for one
message after in-chunk retries, a parser that raises, a write Firestore refuses) go to the
retry list; whole-chunk failures raise so Pub/Sub redelivers. A revoked token parks the
chunk until reconnect, a Workspace policy until a sync works again; Gmail's ``Retry-After``
holds the whole mailbox, and its emails wait in the retry list until then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from shared.backoff import Backoff
from shared.clock import utcnow
from shared.errors import (
    ConfigError,
    GmailRateLimitError,
    InvalidGrantError,
    LeadHarvestError,
    MailboxBlockedError,
)
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.parsing import Lead
from shared.ports import (
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
from shared.services.failures import record_failures, resolve_done
from shared.services.gmail_access import hold, mark_blocked, wait_for_gmail
from shared.services.reparse import reparse_chunk
from shared.services.store_chunk import store_fetched
from shared.services.sync import mark_needs_reauth
from shared.services.window import finish, follower_sent


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
    Protocol,
):
    """What process uses of the composition root."""


log = get_logger("process")
FETCH_ROUNDS = 3
ROUNDS = Backoff(base_s=0.5, cap_s=4.0)  # pause before refetching a chunk's throttled emails
GET_UNITS = 5  # Gmail quota units of one messages.get
MAILBOX_WIDE = (InvalidGrantError, MailboxBlockedError, ConfigError)  # not about one email


def _fetch(
    deps: Ports,
    job: ChunkJob,
    todo: list[str],
    save: Callable[[str, Lead, bytes], None],
    timings: dict[str, float],
) -> dict[str, LeadHarvestError]:
    account = deps.accounts.get(job.mailbox)
    assert account is not None
    gmail = deps.gmail_for(account)
    failures: dict[str, LeadHarvestError] = {}
    for round_no in range(FETCH_ROUNDS):
        t0 = time.monotonic()
        wait_for_gmail(account)
        waited = deps.quota.acquire(job.mailbox, GET_UNITS * len(todo))
        t1 = time.monotonic()
        fetched = gmail.get_raw_many(todo)
        t2 = time.monotonic()
        wide = next((e for e in fetched.values() if isinstance(e, MAILBOX_WIDE)), None)
        if wide is not None:
            raise wide
        again = store_fetched(fetched, deps.settings.mailbox_tz, save, failures)
        hold(deps, account, failures.values())
        timings.update(
            quota_wait_s=round(waited, 3),
            reserve_s=round(t1 - t0 - waited, 3),
            fetch_s=round(t2 - t1, 3),
            store_s=round(time.monotonic() - t2, 3),
        )
        if not again or account.gmail_retry_at:  # Gmail said when: the retry list waits
            break
        todo = again
        time.sleep(ROUNDS.delay(round_no))
    return failures


def process_chunk(deps: Ports, job: ChunkJob) -> dict[str, str]:
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
    outcomes: dict[str, str] = {}
    for gmail_id, rec in deps.leads.existing(job.mailbox, job.ids).items():
        outcomes[gmail_id] = rec["outcome"] if rec.get("batch_id") == job.batch_id else "duplicate"
    todo = [i for i in dict.fromkeys(job.ids) if i not in outcomes]
    failures: dict[str, LeadHarvestError] = {}
    timings: dict[str, float] = {}
    park = account.state != "connected"

    def save(gmail_id: str, lead: Lead, raw: bytes) -> None:
        stored = deps.leads.store(
            job.mailbox, gmail_id, lead, raw, job.batch_id, utcnow(), owner=account.owner
        )
        outcomes[gmail_id] = stored.outcome if stored.batch_id == job.batch_id else "duplicate"

    if todo and not park:
        try:
            failures = _fetch(deps, job, todo, save, timings)
        except InvalidGrantError as exc:
            mark_needs_reauth(deps, account, str(exc))
            park = True
        except MailboxBlockedError as exc:
            mark_blocked(deps, account, exc.message)
            park = True
        except GmailRateLimitError as exc:  # held by Gmail's Retry-After: wait in the list
            failures = {i: exc for i in todo}
    left = [i for i in todo if i not in outcomes]
    outcomes |= record_failures(deps, job, account.owner, left, failures, park, now)
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
                "failed": sum(1 for o in outcomes.values() if o in ("failed", "dead", "parked")),
                **timings,
            }
        },
    )
    return outcomes
