"""Re-parse processed emails with the current parser (``trigger="reparse"`` chunks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from shared.clock import utcnow
from shared.errors import ConfigError, LeadHarvestError, PermanentError
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.ports import (
    BoundsFetches,
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsLeads,
    HoldsRetries,
    ReachesGmail,
    SharesQuota,
)
from shared.records import Account, BatchEmail, Failure
from shared.services.ingest.failures import fail_one, resolve_done
from shared.services.ingest.fetch import Fetcher
from shared.services.ingest.oversized import oversized_ids
from shared.services.ingest.store_chunk import parse
from shared.vocabulary import Outcomes


class Ports(
    Configured,
    HoldsLeads,
    ReachesGmail,
    HoldsAccounts,
    HoldsRetries,
    HoldsBatches,
    SharesQuota,
    BoundsFetches,
    Protocol,
):
    """What reparse uses of the composition root."""


log = get_logger(__name__)


class NotStoredError(PermanentError):
    """The raw email is not kept and its mailbox cannot be read now."""

    code = "raw_not_available"


def reparse_chunk(deps: Ports, job: ChunkJob) -> Outcomes:
    """Re-parse each email from its stored raw bytes, or fetched again from Gmail through
    the pipeline's one fetch path (quota limiter, fetch budget, rounds for throttled parts);
    mail over ``EMAIL_MAX_BYTES`` is never fetched (Gmail's size search first). Returns the
    outcomes, which the caller records."""
    ids = list(dict.fromkeys(job.ids))
    account = deps.accounts.get(job.mailbox)
    if account is None:
        return {}  # the mailbox was never connected: nothing of it to re-parse
    corrected = deps.leads.existing(job.mailbox, ids)
    outcomes: Outcomes = {}

    def save(gmail_id: str, raw: bytes) -> None:
        record = corrected.get(gmail_id)
        as_lead = record is not None and record.correction == "lead"
        lead = parse(raw, deps.settings, as_lead=as_lead)  # a person's correction is the truth
        email = BatchEmail(job.mailbox, gmail_id, job.batch_id, account.owner)
        outcomes[gmail_id] = deps.leads.reparse(email, lead, raw, utcnow()).outcome

    missing = []
    for gmail_id in ids:
        raw = deps.leads.raw(job.mailbox, gmail_id)
        if raw is None:
            missing.append(gmail_id)
        else:
            save(gmail_id, raw)
    failures = _fetch(deps, account, missing, save)
    for gmail_id, exc in failures.items():
        if isinstance(exc, ConfigError):
            raise exc  # the deployment, not this email: fail loudly
        failure = Failure(gmail_id, type(exc).__name__, str(exc))
        outcomes[gmail_id] = fail_one(
            deps, job, account.owner, failure, utcnow(), trigger="reparse"
        )
    resolve_done(deps, job, outcomes, utcnow())  # a re-parse retry worked
    log.info(
        "chunk re-parsed", extra={"fields": {"batch_id": job.batch_id, "emails": len(outcomes)}}
    )
    return outcomes


def _fetch(
    deps: Ports, account: Account, ids: list[str], save: Callable[[str, bytes], None]
) -> dict[str, LeadHarvestError]:
    """Fetch and save what is not stored; returns the failures. Mail too large to fetch
    whole is fetched ``format=full``: its text and attachment names."""
    if not ids:
        return {}
    if account.state != "connected":
        return {i: NotStoredError("raw email is not stored and cannot be fetched") for i in ids}
    fetcher = Fetcher(deps, account, deps.gmail_for(account))

    def use(
        answers: dict[str, bytes | LeadHarvestError], failures: dict[str, LeadHarvestError]
    ) -> None:
        for gmail_id, result in answers.items():
            if isinstance(result, bytes):
                failures.pop(gmail_id, None)
                save(gmail_id, result)
            else:
                failures[gmail_id] = result

    try:
        too_big = oversized_ids(fetcher.gmail, deps.settings, account.label_id, ids)
        todo = [i for i in ids if i not in too_big]
        failures = fetcher.rounds(todo, fetcher.gmail.get_raw_many, use)
        big = [i for i in ids if i in too_big]
        return {**failures, **fetcher.rounds(big, fetcher.full_many, use)}
    except LeadHarvestError as exc:  # the mailbox or Gmail, not one email: all wait
        return {i: exc for i in ids}
