"""``/leads`` edits: one lead (``If-Match`` honoured), up to 100 at once, erasure, and
re-parse."""

from __future__ import annotations

from collections.abc import Callable

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
from shared.errors import NotFoundError, PreconditionFailedError
from shared.services.ingest.queue import queue_batch
from shared.store import reviews
from shared.types import JsonObject

MAX_REPARSE = 10_000


def _changes(body: LeadPatch | BulkLeadPatch) -> Callable[[JsonObject], JsonObject]:
    """The fields a patch changes on one lead, from the lead as the edit's transaction
    read it (``reviewed: false`` opens again what ``reviewed: true`` cleared)."""

    def change(lead: JsonObject) -> JsonObject:
        now = utcnow()
        update: JsonObject = {"updated_at": now}
        if body.status is not UNSET:
            update["status"] = body.status
        if isinstance(body, LeadPatch) and body.notes is not UNSET:
            update["notes"] = body.notes
        if body.reviewed is True and lead.get("needs_review"):
            update.update(reviews.cleared_now(lead, now))
        elif body.reviewed is False and lead.get("reviewed_count"):
            update.update(reviews.reopened(lead))
        return update

    return change


def _truth(body: LeadPatch | BulkLeadPatch) -> str | None:
    """What a status says of the lead's emails (a person's correction), if it is set."""
    if body.status is UNSET:
        return None
    return "not_lead" if body.status == "not_a_lead" else "lead"


def strong_tags(value: str | None) -> tuple[str, ...] | None:
    """The entity tags of an ``If-Match`` (RFC 9110: a list; ``*`` or none: no condition).
    A weak tag (``W/"…"``) never matches, as strong comparison requires: it is kept as it
    is, so it is compared and refused."""
    value = (value or "").strip()
    if not value or value == "*":
        return None
    return tuple(t.strip() for t in value.split(",") if t.strip())


def patch_lead(call: Call) -> Lead:
    """Change a lead's status and/or notes, or mark it reviewed (``true``) or not (``false``);
    status ``not_a_lead`` is a person's correction (its emails are recorded as non-leads).
    With ``If-Match`` (the lead's ``ETag``), a lead changed since is not touched: 412, and
    nothing is written (the tag is checked in the transaction that writes)."""
    body = call.body_as(LeadPatch)
    lead_id = call.params["leadId"]
    tags = strong_tags(call.headers.get("If-Match"))
    call.deps.lead_queries.edit(lead_id, call.user, _changes(body), tags, _truth(body))
    return lead_view(call, lead_id)


def bulk_update(call: Call) -> BulkUpdated:
    """The same status and/or review change to up to 100 of the caller's leads; ids that
    are not the caller's leads are listed in ``notFound`` and change nothing; with
    ``ifMatch`` (lead id → its ``ETag``), a lead changed since is listed in
    ``preconditionFailed`` and not touched. ``ifMatch`` without a change writes nothing: it
    tells which leads changed since their tags were read, and which are not the caller's
    (``updated`` stays empty); ``leadIds`` alone is refused (the body's ``minProperties``)."""
    body = call.body_as(BulkLeadPatch)
    tags = {} if body.if_match is UNSET else body.if_match
    change = body.status is not UNSET or body.reviewed is not UNSET
    updated, missing, stale = [], [], []
    for lead_id in dict.fromkeys(body.lead_ids):
        expected = strong_tags(tags.get(lead_id))
        try:
            if change:
                call.deps.lead_queries.edit(
                    lead_id, call.user, _changes(body), expected, _truth(body)
                )
            else:
                _, current = call.deps.lead_queries.etag(lead_id, call.user)
                if expected is not None and current not in expected:
                    raise PreconditionFailedError("changed since its tag was read")
        except NotFoundError:
            missing.append(lead_id)
        except PreconditionFailedError:
            stale.append(lead_id)
        else:
            updated += [lead_id] if change else []
    return BulkUpdated(updated=updated, not_found=missing, precondition_failed=stale)


def erase_lead(call: Call) -> Erased:
    """Erase a renter for good: the lead, the personal fields of its email records, the
    kept raw emails and its key index entries (tombstones: a later email of the renter is
    recorded ``erased`` and linked to nothing)."""
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
