"""The audit: every id in a mailbox's lead label has an email record, or is queued again.

Notifications can be dropped and Gmail's history can miss changes; a sync then never sees
those emails. Counts first, so an audit at rest costs a few reads whatever the history: the
label's ``messagesTotal`` (one ``labels.get``) against the mailbox's records (a count
aggregation), the emails of its open batches still without a final outcome (counted from
the batch documents) and its dead emails, less the label's messages ``messages.list`` does
not show (in Trash or Spam; measured by the last full compare). Only when the label holds
more, and once a day in any case (an email whose record exists but left the label can hide
a missing one from the counts), the ids are compared one by one, each against a record of
the mailbox's current owner (a former owner's record that a hand-over left behind is
missing: the hand-over is finished first): ids of open batches or with a retry entry are
never missing; the rest are queued as a batch with trigger
``audit``. ``{label_total, recorded, missing, queued, in_flight, unlisted, full, at}`` stays
on the account.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any, Protocol

from shared.clock import utcnow
from shared.gmail.gateway import Gmail
from shared.logs import get_logger
from shared.ports import CountsRecords, HoldsAccounts, HoldsLeads, HoldsRetries, Queues
from shared.records import Account, AuditReport
from shared.services.ingest.oversized import oversized_ids
from shared.services.ingest.queue import queue_batch


class Ports(Queues, HoldsAccounts, HoldsLeads, CountsRecords, HoldsRetries, Protocol):
    """What the audit uses of the composition root."""


log = get_logger("audit")
MAX_IDS = 50_000  # ids one audit compares (100 list pages, 500 quota units)
READ_PAGE = 500  # records read at once
FULL_EVERY = timedelta(hours=24)  # a compare id by id at least this often


def audit_mailbox(deps: Ports, account: Account, gmail: Gmail) -> AuditReport:
    """Count, compare when the counts say so (or a day has passed), queue what is missing;
    returns the report."""
    mailbox, now = account.mailbox, utcnow()
    last = account.audit or AuditReport()
    total = int(gmail.label(account.label_id).get("messagesTotal") or 0)
    recorded = deps.lead_queries.recorded_count(mailbox, account.owner)
    in_flight, open_batches = deps.batches.in_flight(mailbox)
    dead = deps.retries.count(mailbox, "dead")
    due = last.full_at is None or now - last.full_at >= FULL_EVERY
    report = AuditReport(total, recorded, in_flight, last.unlisted, full_at=last.full_at, at=now)
    if due or total - last.unlisted > recorded + in_flight + dead:
        found = _compare(deps, account, gmail, open_batches, total)
        report = replace(report, **found, full=True, full_at=now)
    deps.accounts.record_audit(mailbox, report)
    fields = {"mailbox": mailbox, "audit_missing": report.missing, "label_total": total}
    fields["compared"] = report.full
    if report.missing:
        log.warning("mailbox audited", extra={"fields": fields})
    else:
        log.info("mailbox audited", extra={"fields": fields})
    return report


def _compare(
    deps: Ports, account: Account, gmail: Gmail, open_batches: set[str], total: int
) -> dict[str, Any]:
    """Every id of the label against the records; queue those neither recorded, in an open
    batch, nor in the retry list (``total``: the label's count, for what the list hides)."""
    mailbox = account.mailbox
    ids = gmail.list_ids(account.label_id, limit=MAX_IDS)
    recorded: set[str] = set()
    foreign = 0  # records a hand-over left under the former owner's key
    for start in range(0, len(ids), READ_PAGE):
        for gmail_id, rec in deps.leads.existing(mailbox, ids[start : start + READ_PAGE]).items():
            if rec.owner in ("", account.owner):  # "": written before records had owners
                recorded.add(gmail_id)
            else:
                foreign += 1
    if foreign:  # a hand-over stopped midway: finish it, so the missing are this owner's
        log.warning("hand-over unfinished", extra={"fields": {"mailbox": mailbox}})
        deps.leads.hand_over(mailbox, account.owner, force=True)
    known = {
        e.message_id
        for state in ("pending", "parked", "dead")
        for e in deps.retries.for_mailbox(mailbox, state)
    }
    left = [i for i in ids if i not in recorded and i not in known]
    planned = deps.batches.planned_ids(open_batches) if left and open_batches else set()
    missing = [i for i in reversed(left) if i not in planned]  # oldest first
    big = oversized_ids(gmail, deps.settings, account.label_id, missing)
    batch = queue_batch(deps, account, "audit", int(utcnow().timestamp()), missing, big)
    return {
        "recorded": len(recorded),
        "missing": len(missing),
        "queued": len(missing) if batch else 0,
        "batch_id": batch,
        "unlisted": max(0, total - len(ids)),
    }
