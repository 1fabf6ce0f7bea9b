"""Re-parse processed emails with the current parser (``trigger="reparse"`` chunks)."""

from __future__ import annotations

from typing import Protocol

from shared.clock import utcnow
from shared.errors import ConfigError, LeadHarvestError
from shared.events import ChunkJob
from shared.logs import get_logger
from shared.ports import (
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsLeads,
    HoldsRetries,
    ReachesGmail,
)
from shared.records import BatchEmail, Failure
from shared.services.ingest.failures import fail_one, resolve_done
from shared.services.ingest.store_chunk import ParseError, parse
from shared.vocabulary import Outcomes


class Ports(
    Configured, HoldsLeads, ReachesGmail, HoldsAccounts, HoldsRetries, HoldsBatches, Protocol
):
    """What reparse uses of the composition root."""


log = get_logger("reparse")


def reparse_chunk(deps: Ports, job: ChunkJob) -> Outcomes:
    """Re-parse each email from its stored raw bytes (fetched again from Gmail if not
    stored); returns the outcomes, which the caller records."""
    tz = deps.settings.mailbox_tz
    raws: dict[str, bytes | LeadHarvestError] = {}
    for gmail_id in dict.fromkeys(job.ids):
        raw = deps.leads.raw(job.mailbox, gmail_id)
        if raw is not None:
            raws[gmail_id] = raw
    missing = [i for i in dict.fromkeys(job.ids) if i not in raws]
    account = deps.accounts.get(job.mailbox)
    if account is None:
        return {}  # the mailbox was never connected: nothing of it to re-parse
    if missing and account.state == "connected":
        raws.update(deps.gmail_for(account).get_raw_many(missing))
    outcomes: Outcomes = {}
    corrected = deps.leads.existing(job.mailbox, list(dict.fromkeys(job.ids)))
    for gmail_id in dict.fromkeys(job.ids):
        result = raws.get(gmail_id)
        record = corrected.get(gmail_id)
        as_lead = record is not None and record.correction == "lead"
        try:
            if not isinstance(result, bytes):
                raise result or ParseError("raw email is not stored and cannot be fetched")
            lead = parse(result, tz, as_lead=as_lead)  # a person's correction is the truth
            email = BatchEmail(job.mailbox, gmail_id, job.batch_id, account.owner)
            stored = deps.leads.reparse(email, lead, result, utcnow())
            outcomes[gmail_id] = stored.outcome
        except LeadHarvestError as exc:
            if isinstance(exc, ConfigError):
                raise  # the deployment, not this email: fail loudly
            failure = Failure(gmail_id, type(exc).__name__, str(exc))
            outcomes[gmail_id] = fail_one(
                deps, job, account.owner, failure, utcnow(), trigger="reparse"
            )
    resolve_done(deps, job, outcomes, utcnow())  # a re-parse retry worked
    log.info(
        "chunk re-parsed", extra={"fields": {"batch_id": job.batch_id, "emails": len(outcomes)}}
    )
    return outcomes
