"""A person decides what the parser could not: ``/gmail/unrecognised`` lists the emails of
the lead label no outcome was named for; ``…/lead`` makes one a lead, ``…/not-lead``
confirms it is not one.

(Saying a lead is not one is ``PATCH /leads/{id}`` with status ``not_a_lead``.)"""

from __future__ import annotations

from shared.api.inputs import MailboxQuery, UnrecognisedQuery
from shared.api.outputs import (
    BatchAccepted,
    NotLeadConfirmed,
    UnrecognisedEmail,
    UnrecognisedEmails,
)
from shared.api.routing import Call, Route
from shared.clock import utcnow
from shared.errors import ConflictError
from shared.services.ingest.corrections import make_lead
from shared.types import JsonObject


def make_lead_route(call: Call) -> BatchAccepted:
    """Record that one processed email of the mailbox is a lead and re-parse it as one
    (the generic reader reads what no template does); a later re-parse keeps it a lead."""
    account = call.account()
    return BatchAccepted(batch_id=make_lead(call.deps, account, call.params["messageId"]))


def not_lead_route(call: Call) -> NotLeadConfirmed:
    """Confirm that a processed email is not a lead: it leaves the unrecognised list and
    health's count, and no later re-parse puts it back (409 for an email that is a lead)."""
    account, gmail_id = call.account(), call.params["messageId"]
    outcome = call.deps.leads.correct(
        account.mailbox, gmail_id, account.owner, "not_lead", utcnow()
    )
    if outcome in ("lead", "merged"):
        raise ConflictError("this email is a lead: PATCH /leads/{id} with status not_a_lead")
    return NotLeadConfirmed(message_id=gmail_id, outcome="not_lead")


def _email(row: JsonObject) -> UnrecognisedEmail:
    return UnrecognisedEmail(
        message_id=str(row["gmail_id"]),
        subject=row.get("subject"),
        sender=row.get("sender"),
        received_at=row.get("inquiry_at"),
        processed_at=row.get("processed_at"),
        reasons=list(row.get("review_reasons") or ["unrecognised"]),
        limits_hit=[str(x) for x in row.get("limits_hit") or []],
    )


def unrecognised_route(call: Call) -> UnrecognisedEmails:
    """The mailbox's emails waiting for a person to say what they are, newest first."""
    q, account = call.query_as(UnrecognisedQuery), call.account()
    queries = call.deps.lead_queries
    rows, next_cursor = queries.unrecognised(
        account.mailbox, account.owner, q.limit, q.cursor or None
    )
    total = queries.unrecognised_count(account.mailbox, account.owner)
    return UnrecognisedEmails(
        emails=[_email(r) for r in rows], total=total, next_cursor=next_cursor
    )


TAG = "Leads"
ROUTES = [
    Route(
        "GET",
        "/gmail/unrecognised",
        unrecognised_route,
        "Emails the parser could not name: for a person to decide",
        UnrecognisedEmails,
        TAG,
        query=UnrecognisedQuery,
    ),
    Route(
        "POST",
        "/gmail/messages/<id:messageId>/lead",
        make_lead_route,
        "Correct an email read as a non-lead: it is a lead",
        BatchAccepted,
        TAG,
        status=202,
        query=MailboxQuery,
        errors=(409,),
    ),
    Route(
        "POST",
        "/gmail/messages/<id:messageId>/not-lead",
        not_lead_route,
        "Confirm an email is not a lead (it leaves the unrecognised list)",
        NotLeadConfirmed,
        TAG,
        query=MailboxQuery,
        errors=(409,),
    ),
]
