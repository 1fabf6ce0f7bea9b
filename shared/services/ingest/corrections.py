"""A person corrects the parser: an email of the lead label read as a non-lead is made a
lead (re-parsed through the pipeline by the generic reader, its record keeps the
correction, so no later re-parse undoes it)."""

from __future__ import annotations

from typing import Protocol

from shared.clock import utcnow
from shared.errors import ConflictError
from shared.ports import HoldsLeads, Queues
from shared.records import Account
from shared.services.ingest.queue import queue_batch


class Ports(Queues, HoldsLeads, Protocol):
    """What a correction uses of the composition root."""


def make_lead(deps: Ports, account: Account, gmail_id: str) -> str:
    """Record that a processed email is a lead and queue its re-parse.

    Args:
        deps: The composition root.
        account: The caller's mailbox (ownership checked by the caller).
        gmail_id: The email, processed before and read as a non-lead.

    Returns:
        The re-parse batch's id.

    Raises:
        NotFoundError: The mailbox has no processed email with this id.
        ConflictError: The email is already a lead.
    """
    now = utcnow()
    outcome = deps.leads.correct(account.mailbox, gmail_id, account.owner, "lead", now)
    if outcome in ("lead", "merged"):
        raise ConflictError("this email is already a lead")
    batch_id = queue_batch(deps, account, "reparse", int(now.timestamp()), [gmail_id])
    if batch_id is None:  # pragma: no cover - one id always makes a batch
        raise ConflictError("nothing to re-parse")
    return batch_id
