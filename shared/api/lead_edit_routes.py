"""``/leads`` edits: one lead (``If-Match`` honoured), up to 100 at once, erasure, and
re-parse."""

from __future__ import annotations

from msgspec import UNSET

from shared.api.inputs import (
    BulkLeadPatch,
    LeadPatch,
    MailboxQuery,
    ReparseAll,
    ReparseLeads,
)
from shared.api.lead_outputs import BulkUpdated, Lead
from shared.api.lead_routes import TAG, lead_view
from shared.api.outputs import BatchAccepted, Erased
from shared.api.routing import Call, Route
from shared.clock import utcnow
from shared.errors import NotFoundError, PreconditionFailedError, ValidationError
from shared.services.ingest.queue import queue_batch
from shared.store import reviews
from shared.types import JsonObject

MAX_REPARSE = 10_000


def _changes(
    call: Call, lead_id: str, lead: JsonObject, body: LeadPatch | BulkLeadPatch
) -> JsonObject:
    """The fields a patch changes on one lead (a status is also a correction of its emails;
    ``reviewed: false`` opens again what ``reviewed: true`` cleared)."""
    update: JsonObject = {"updated_at": utcnow()}
    if body.status is not UNSET:
        update["status"] = body.status
        truth = "not_lead" if body.status == "not_a_lead" else "lead"
        call.deps.lead_queries.correct_records(call.user, lead_id, truth, MAX_REPARSE)
    if isinstance(body, LeadPatch) and body.notes is not UNSET:
        update["notes"] = body.notes
    if body.reviewed is True and lead.get("needs_review"):
        update.update(reviews.cleared_now(lead, utcnow()))
    elif body.reviewed is False and lead.get("reviewed_count"):
        update.update(reviews.reopened(lead))
    return update


def _if_match(call: Call) -> str | None:
    tag = (call.headers.get("If-Match") or "").strip()
    if not tag or tag == "*":
        return None
    return tag.removeprefix("W/")


def patch_lead(call: Call) -> Lead:
    """Change a lead's status and/or notes, or mark it reviewed (``true``) or not (``false``);
    status ``not_a_lead`` is a person's correction (its emails are recorded as non-leads).
    With ``If-Match`` (the lead's ``ETag``), a lead changed since is not touched: 412."""
    body = call.body_as(LeadPatch)
    lead_id = call.params["leadId"]
    lead, current = call.deps.lead_queries.etag(lead_id, call.user)
    tag = _if_match(call)
    if tag is not None and tag != current:  # before any change (a correction writes records)
        raise PreconditionFailedError("this lead changed since you loaded it: reload it")
    call.deps.lead_queries.update_if(lead_id, call.user, _changes(call, lead_id, lead, body), tag)
    return lead_view(call, lead_id)


def bulk_update(call: Call) -> BulkUpdated:
    """The same status and/or review change to up to 100 of the caller's leads; ids that
    are not the caller's leads are listed in ``notFound`` and change nothing."""
    body = call.body_as(BulkLeadPatch)
    if body.status is UNSET and body.reviewed is UNSET:
        raise ValidationError(
            "say what to change", details={"fields": {"status": "or reviewed: required"}}
        )
    updated, missing = [], []
    for lead_id in dict.fromkeys(body.lead_ids):
        try:
            lead, _ = call.deps.lead_queries.etag(lead_id, call.user)
        except NotFoundError:
            missing.append(lead_id)
            continue
        changes = _changes(call, lead_id, lead, body)
        call.deps.lead_queries.update_if(lead_id, call.user, changes, None)
        updated.append(lead_id)
    return BulkUpdated(updated=updated, not_found=missing)


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
        ids = call.deps.lead_queries.processed_ids(account.mailbox, account.owner, MAX_REPARSE)
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
        "PATCH",
        "/leads",
        bulk_update,
        "Change the status or review state of up to 100 leads",
        BulkUpdated,
        TAG,
        body=(BulkLeadPatch,),
    ),
    Route(
        "POST",
        "/leads/reparse",
        reparse,
        "Re-parse stored emails with the current parser",
        BatchAccepted,
        TAG,
        status=202,
        query=MailboxQuery,
        body=(ReparseLeads, ReparseAll),
    ),
    Route(
        "DELETE",
        "/leads/<id:leadId>",
        erase_lead,
        "Erase a renter for good (lead, personal fields of its emails, raw emails)",
        Erased,
        TAG,
    ),
    Route(
        "PATCH",
        "/leads/<id:leadId>",
        patch_lead,
        "Change status or notes, or mark reviewed",
        Lead,
        TAG,
        body=(LeadPatch,),
        errors=(412,),
    ),
]
