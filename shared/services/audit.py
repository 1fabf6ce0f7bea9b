"""The audit: every id in a mailbox's lead label has an email record, or is queued again.

Notifications can be dropped and Gmail's history can miss changes; a sync then never sees
those emails. The audit lists the label's ids (ids only), compares them with the email
records, queues any id with neither a record nor a retry entry as a batch with trigger
``audit``, and keeps ``{label_total, recorded, missing, queued, at}`` on the account.
"""

from __future__ import annotations

from typing import Protocol

from shared.clock import utcnow
from shared.gmail.gateway import Gmail
from shared.logs import get_logger
from shared.ports import HoldsAccounts, HoldsLeads, HoldsRetries, Queues
from shared.services.queue import queue_batch
from shared.store.accounts import Account
from shared.types import JsonObject


class Ports(Queues, HoldsAccounts, HoldsLeads, HoldsRetries, Protocol):
    """What the audit uses of the composition root."""


log = get_logger("audit")
MAX_IDS = 50_000  # ids one audit compares (100 list pages, 500 quota units)
READ_PAGE = 500  # records read at once


def audit_mailbox(deps: Ports, account: Account, gmail: Gmail) -> JsonObject:
    """Compare the label with the records, queue what is missing; returns the report."""
    mailbox = account.mailbox
    ids = gmail.list_ids(account.label_id, limit=MAX_IDS)
    recorded: set[str] = set()
    for start in range(0, len(ids), READ_PAGE):
        recorded |= set(deps.leads.existing(mailbox, ids[start : start + READ_PAGE]))
    known = {
        str(e["message_id"])
        for state in ("pending", "parked", "dead")
        for e in deps.retries.for_mailbox(mailbox, state)
    }
    missing = [i for i in reversed(ids) if i not in recorded and i not in known]  # oldest first
    now = utcnow()
    batch = queue_batch(deps, account, "audit", int(now.timestamp()), missing)
    report: JsonObject = {
        "label_total": len(ids),
        "recorded": len(recorded),
        "missing": len(missing),
        "queued": len(missing) if batch else 0,
        "batch_id": batch,
        "at": now,
    }
    deps.accounts.update(mailbox, audit=report)
    fields = {"mailbox": mailbox, "audit_missing": len(missing), "label_total": len(ids)}
    if missing:
        log.warning("mailbox audited", extra={"fields": fields})
    else:
        log.info("mailbox audited", extra={"fields": fields})
    return report
