"""``/gmail/messages/{messageId}/lead``: a person says an email read as a non-lead is a lead.

(Saying a lead is not one is ``PATCH /leads/{id}`` with status ``not_a_lead``.)"""

from __future__ import annotations

from shared.api.inputs import MailboxQuery
from shared.api.outputs import BatchAccepted
from shared.api.routing import Call, Route
from shared.services.ingest.corrections import make_lead


def make_lead_route(call: Call) -> BatchAccepted:
    """Record that one processed email of the mailbox is a lead and re-parse it as one
    (the generic reader reads what no template does); a later re-parse keeps it a lead."""
    account = call.account()
    return BatchAccepted(batch_id=make_lead(call.deps, account, call.params["messageId"]))


ROUTES = [
    Route(
        "POST",
        "/gmail/messages/<id:messageId>/lead",
        make_lead_route,
        "Correct an email read as a non-lead: it is a lead",
        BatchAccepted,
        "Leads",
        status=202,
        query=MailboxQuery,
        errors=(409,),
    ),
]
