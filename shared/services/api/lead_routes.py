"""``/leads``: list with filters and a cursor, one lead with its inquiries, status and notes,
re-parse."""

from __future__ import annotations

from msgspec import UNSET

from shared.clock import utcnow
from shared.errors import NotFoundError
from shared.services.api.inputs import (
    LeadPatch,
    LeadsQuery,
    MailboxQuery,
    ReparseAll,
    ReparseLeads,
)
from shared.services.api.outputs import (
    BatchAccepted,
    Erased,
    Lead,
    LeadList,
    LeadSummary,
    Property,
)
from shared.services.api.routing import Call, Route
from shared.services.queue import queue_batch
from shared.store.lead_queries import LeadFilter
from shared.store.lead_records import INQUIRY_FIELDS, message_key
from shared.types import JsonObject
from shared.vocabulary import LISTED_STATUSES

MAX_REPARSE = 10_000
SHOWN_INQUIRIES = 100  # a lead's newest inquiries in its page (``inquiry_count`` has them all)
_INQUIRY_FIELDS = ("message_id", "mailbox", "inquiry_at", *INQUIRY_FIELDS, "message_truncated")
_NAME_FIELDS = ("first_name", "last_name", "email", "phone")


def _summary(lead_id: str, data: JsonObject) -> JsonObject:
    prop = data.get("property")
    return {
        "id": lead_id,
        **{f: data.get(f) for f in LeadSummary.__struct_fields__ if f not in ("id", "property")},
        "property": Property(**{k: prop.get(k) for k in Property.__struct_fields__})
        if isinstance(prop, dict)
        else None,
    }


def list_leads(call: Call) -> LeadList:
    """The caller's leads, most recently updated first."""
    q = call.query_as(LeadsQuery)
    where = LeadFilter(
        status=q.status or None,
        statuses=LISTED_STATUSES,  # a lead a person marked not_a_lead is listed only by name
        source=q.source or None,
        needs_review=None if q.review is UNSET else q.review == "true",
        mailbox=q.mailbox.lower() if q.mailbox else None,
    )
    cursor = q.cursor or None
    docs, next_cursor = call.deps.lead_queries.page(call.user, where, q.limit, cursor)
    items = [LeadSummary(**_summary(i, d)) for i, d in docs]
    if q.q:  # a page-local text filter on name, email and phone
        needle = q.q.casefold()
        items = [
            i
            for i in items
            if needle in " ".join(str(getattr(i, k) or "") for k in _NAME_FIELDS).casefold()
        ]
    return LeadList(leads=items, next_cursor=next_cursor)


def _inquiry(record: JsonObject, open_reviews: JsonObject) -> JsonObject:
    out = {k: record.get(k) for k in _INQUIRY_FIELDS if k in record}
    key = message_key(str(record.get("mailbox")), str(record.get("message_id")))
    out["reviewed"] = bool(record.get("needs_review")) and key not in open_reviews
    return out


def _lead(call: Call, lead_id: str) -> Lead:
    data = call.deps.lead_queries.owned(lead_id, call.user)
    records = call.deps.lead_queries.inquiries(call.user, lead_id, SHOWN_INQUIRIES)
    open_reviews = data.get("review_open") or {}
    return Lead(
        **_summary(lead_id, data),
        notes=data.get("notes", ""),
        inquiries=[_inquiry(r, open_reviews) for r in records if r.get("message_id")],
    )


def get_lead(call: Call) -> Lead:
    """One lead with its inquiries (newest first) and notes."""
    return _lead(call, call.params["leadId"])


def patch_lead(call: Call) -> Lead:
    """Change a lead's status and/or notes; ``reviewed: true`` clears ``needs_review``;
    status ``not_a_lead`` is a person's correction (its emails are recorded as non-leads)."""
    body = call.body_as(LeadPatch)
    lead_id = call.params["leadId"]
    call.deps.lead_queries.owned(lead_id, call.user)
    update: JsonObject = {"updated_at": utcnow()}
    if body.status is not UNSET:
        update["status"] = body.status
        truth = "not_lead" if body.status == "not_a_lead" else "lead"
        call.deps.lead_queries.correct_records(call.user, lead_id, truth, MAX_REPARSE)
    if body.notes is not UNSET:
        update["notes"] = body.notes
    if body.reviewed is True:  # every inquiry open for review is cleared
        update.update(review_open={}, needs_review=False, review_reasons=[], reviewed_at=utcnow())
    call.deps.lead_queries.update(lead_id, update)
    return _lead(call, lead_id)


def erase_lead(call: Call) -> Erased:
    """Erase a renter for good: the lead, the personal fields of its email records, the
    kept raw emails and its key index entries; a later email of the renter starts anew."""
    lead_id = call.params["leadId"]
    data = call.deps.lead_queries.owned(lead_id, call.user)
    emails = call.deps.leads.erase(call.user, lead_id, data)
    return Erased(lead_id=lead_id, emails=emails)


def reparse(call: Call) -> BatchAccepted:
    """Re-parse stored raw emails of one mailbox (``?mailbox=``, default the only one): those
    of some of the owner's leads, or every processed email; the work runs through the
    pipeline."""
    body = call.body_as(ReparseLeads, ReparseAll)
    account = call.account()
    if isinstance(body, ReparseAll):
        ids = call.deps.lead_queries.processed_ids(account.mailbox, MAX_REPARSE)
    else:
        for lead_id in body.lead_ids:
            call.deps.lead_queries.owned(lead_id, call.user)
        ids = [
            i["message_id"]
            for lead_id in body.lead_ids
            for i in call.deps.lead_queries.inquiries(call.user, lead_id, MAX_REPARSE)
            if i.get("mailbox") == account.mailbox and i.get("message_id")
        ]
    batch_id = queue_batch(call.deps, account, "reparse", int(utcnow().timestamp()), ids)
    if batch_id is None:
        raise NotFoundError("no stored emails to re-parse")
    return BatchAccepted(batch_id=batch_id)


ROUTES = [
    Route(
        "GET",
        "/leads",
        list_leads,
        "Leads, most recently updated first",
        LeadList,
        query=LeadsQuery,
    ),
    Route(
        "POST",
        "/leads/reparse",
        reparse,
        "Re-parse stored emails with the current parser",
        BatchAccepted,
        status=202,
        query=MailboxQuery,
        body=(ReparseLeads, ReparseAll),
    ),
    Route("GET", "/leads/<id:leadId>", get_lead, "One lead with its inquiries", Lead),
    Route(
        "DELETE",
        "/leads/<id:leadId>",
        erase_lead,
        "Erase a renter for good (lead, personal fields of its emails, raw emails)",
        Erased,
    ),
    Route(
        "PATCH",
        "/leads/<id:leadId>",
        patch_lead,
        "Change status or notes, or mark reviewed",
        Lead,
        body=(LeadPatch,),
    ),
]
