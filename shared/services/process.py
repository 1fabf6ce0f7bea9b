"""Process one chunk: fetch the emails Gmail-batched, parse, upsert leads, record outcomes.

Emails already recorded are not fetched again. Per-email failures (Gmail 429/5xx for one
message after in-chunk retries, a parser that raises) go to the retry list; whole-chunk
failures raise so Pub/Sub redelivers. A revoked token parks the chunk until reconnect.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.bootstrap import Deps
from shared.clock import utcnow
from shared.errors import (
    InvalidGrantError,
    LeadHarvestError,
    MessageGoneError,
    PermanentError,
    RetryableError,
)
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.parsing import Lead, parse_email
from shared.services.sync import mark_needs_reauth
from shared.store.retries import Failure

log = get_logger("process")
FETCH_ROUNDS = 3
ROUND_PAUSE_S = 0.5
MAX_PARSE_BYTES = 5 * 1024 * 1024


class ParseError(PermanentError):
    """The parser could not handle this email."""

    code = "parse_failed"


def parse(raw: bytes, tz: str) -> Lead:
    """Parse one email for the pipeline; oversized or crashing input raises ParseError."""
    if len(raw) > MAX_PARSE_BYTES:
        raise ParseError(f"email of {len(raw)} bytes is over the {MAX_PARSE_BYTES} byte limit")
    try:
        return parse_email(raw, tz)
    except Exception as exc:
        raise ParseError(f"parser raised {type(exc).__name__}") from exc


def _fetch(
    deps: Deps, job: ChunkJob, todo: list[str], store_one: Callable[[str, bytes], None]
) -> dict[str, LeadHarvestError]:
    account = deps.accounts.get(job.mailbox)
    assert account is not None
    gmail = deps.gmail_for(account)
    failures: dict[str, LeadHarvestError] = {}
    for round_no in range(FETCH_ROUNDS):
        deps.quota.acquire(job.mailbox)
        again = []
        for gmail_id, result in gmail.get_raw_many(todo).items():
            if isinstance(result, bytes):
                failures.pop(gmail_id, None)
                try:
                    store_one(gmail_id, result)
                except ParseError as exc:
                    failures[gmail_id] = exc
            else:
                failures[gmail_id] = result
                if isinstance(result, RetryableError):
                    again.append(gmail_id)
        if not again:
            break
        todo = again
        time.sleep(ROUND_PAUSE_S * 2**round_no)
    return failures


def process_chunk(deps: Deps, job: ChunkJob) -> dict[str, str]:
    """Process one chunk job; returns the outcome of each email."""
    now = utcnow()
    account = deps.accounts.get(job.mailbox)
    if account is None:
        log.warning(
            "chunk for an unknown mailbox dropped", extra={"fields": {"batch": job.batch_id}}
        )
        return {}
    outcomes: dict[str, str] = {}
    for gmail_id, rec in deps.leads.existing(job.mailbox, job.ids).items():
        outcomes[gmail_id] = rec["outcome"] if rec.get("batch_id") == job.batch_id else "duplicate"
    todo = [i for i in dict.fromkeys(job.ids) if i not in outcomes]
    failures: dict[str, LeadHarvestError] = {}
    park = account.state != "connected"
    tz = deps.settings.text("MAILBOX_TZ")

    def store_one(gmail_id: str, raw: bytes) -> None:
        stored = deps.leads.store(
            job.mailbox, gmail_id, parse(raw, tz), raw, job.batch_id, utcnow()
        )
        outcomes[gmail_id] = stored.outcome if stored.batch_id == job.batch_id else "duplicate"

    if todo and not park:
        try:
            failures = _fetch(deps, job, todo, store_one)
        except InvalidGrantError as exc:
            mark_needs_reauth(deps, account, str(exc))
            park = True
    for gmail_id in todo:
        if gmail_id in outcomes:
            continue
        error = failures.get(gmail_id) or InvalidGrantError("mailbox needs re-consent")
        if isinstance(error, MessageGoneError):
            outcomes[gmail_id] = "gone"  # deleted in Gmail: nothing left to process
            continue
        failure = Failure(gmail_id, type(error).__name__, str(error))
        outcomes[gmail_id] = deps.retries.fail(
            job.mailbox, job.batch_id, job.chunk_id, failure, now, park=park
        )
        if outcomes[gmail_id] == "pending":
            outcomes[gmail_id] = "failed"
    if job.trigger == "retry":
        deps.retries.resolve(
            job.mailbox,
            [i for i, o in outcomes.items() if o not in ("failed", "dead", "parked")],
            now,
        )
    deps.batches.record(job.batch_id, job.chunk_id, outcomes, utcnow())
    log.info(
        "chunk processed",
        extra={
            "fields": {
                "batch_id": job.batch_id,
                "chunk_id": job.chunk_id,
                "emails": len(job.ids),
                "failed": sum(1 for o in outcomes.values() if o in ("failed", "dead", "parked")),
            }
        },
    )
    return outcomes
