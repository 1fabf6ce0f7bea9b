"""``/leads``: list with filters and a cursor, one lead with its inquiries, status and notes."""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared.clock import utcnow
from shared.errors import NotFoundError, ValidationError
from shared.parsing.record import SOURCES
from shared.services.api.router import Call, Router, doc_id
from shared.services.sync import queue_batch
from shared.store.lead_records import review_state

STATUSES = ("new", "contacted", "qualified", "closed")
REVIEW = {"true": True, "false": False}
SUMMARY = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "source",
    "status",
    "property",
    "needs_review",
    "review_reasons",
    "inquiry_count",
    "last_inquiry_at",
    "created_at",
    "updated_at",
)


def _summary(lead_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": lead_id, **{k: data.get(k) for k in SUMMARY}}


def list_leads(call: Call) -> tuple[int, Any]:
    """The caller's leads, most recently updated first."""
    limit = call.int_arg("limit", 25, 1, 100)
    status, source, q = call.args.get("status"), call.args.get("source"), call.args.get("q")
    if status and status not in STATUSES:
        raise ValidationError("unknown status", details={"fields": {"status": list(STATUSES)}})
    if source and source not in SOURCES:
        raise ValidationError("unknown source", details={"fields": {"source": list(SOURCES)}})
    review = call.args.get("review")
    if review is not None and (review not in REVIEW or status or source):
        raise ValidationError(
            "review is true or false, and not combined with status or source",
            details={"fields": {"review": "true | false, alone"}},
        )
    db = call.deps.db
    query = db.collection("leads").where(
        filter=firestore.FieldFilter("mailbox", "==", call.account().mailbox)
    )
    if status:
        query = query.where(filter=firestore.FieldFilter("status", "==", status))
    if source:
        query = query.where(filter=firestore.FieldFilter("source", "==", source))
    if review is not None:
        query = query.where(filter=firestore.FieldFilter("needs_review", "==", REVIEW[review]))
    query = query.order_by("updated_at", direction=firestore.Query.DESCENDING)
    cursor = call.args.get("cursor")
    if cursor:
        snap = db.collection("leads").document(doc_id(cursor, "cursor")).get()
        if not snap.exists:
            raise ValidationError("unknown cursor", details={"fields": {"cursor": "unknown"}})
        query = query.start_after(snap)
    docs = list(query.limit(limit).stream())
    items = [_summary(d.id, d.to_dict() or {}) for d in docs]
    if q:  # a page-local text filter on name, email and phone
        needle = q.casefold()
        items = [
            i
            for i in items
            if needle
            in " ".join(
                str(i.get(k) or "") for k in ("first_name", "last_name", "email", "phone")
            ).casefold()
        ]
    return 200, {"leads": items, "nextCursor": docs[-1].id if len(docs) == limit else None}


def _owned(call: Call) -> tuple[Any, dict[str, Any]]:
    ref = call.deps.db.collection("leads").document(doc_id(call.params["leadId"], "leadId"))
    snap = ref.get()
    data = snap.to_dict() or {} if snap.exists else {}
    if not data or data.get("mailbox") not in {a.mailbox for a in call.accounts}:
        raise NotFoundError("no such lead")
    return ref, data


def get_lead(call: Call) -> tuple[int, Any]:
    """One lead with its inquiries (newest first) and notes."""
    ref, data = _owned(call)
    return 200, {
        **_summary(ref.id, data),
        "notes": data.get("notes", ""),
        "inquiries": data.get("inquiries", []),
    }


def patch_lead(call: Call) -> tuple[int, Any]:
    """Change a lead's status and/or notes; ``reviewed: true`` clears ``needs_review``."""
    body = call.json_body()
    bad = {k: "unknown field" for k in body if k not in ("status", "notes", "reviewed")}
    if "reviewed" in body and body["reviewed"] is not True:
        bad["reviewed"] = "true"
    if "status" in body and body["status"] not in STATUSES:
        bad["status"] = f"one of {', '.join(STATUSES)}"
    if "notes" in body and (not isinstance(body["notes"], str) or len(body["notes"]) > 10_000):
        bad["notes"] = "a string of at most 10000 characters"
    if bad or not body:
        raise ValidationError(
            "invalid lead update", details={"fields": bad or {"status": "required"}}
        )
    ref, data = _owned(call)
    update = {k: v for k, v in body.items() if k != "reviewed"}
    if body.get("reviewed"):
        inquiries = [{**i, "reviewed": True} for i in data.get("inquiries", [])]
        update.update(inquiries=inquiries, reviewed_at=utcnow(), **review_state(inquiries))
    ref.update({**update, "updated_at": utcnow()})
    return get_lead(call)


MAX_REPARSE = 10_000


def reparse(call: Call) -> tuple[int, Any]:
    """Re-parse stored raw emails of some leads, or of every processed email, with the current
    parser; the work runs through the pipeline."""
    body = call.json_body()
    mailbox = call.account().mailbox
    db = call.deps.db
    if body.get("all") is True and set(body) == {"all"}:
        docs = (
            db.collection("messages")
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .select(["gmail_id"])
            .stream()
        )
        ids = [(d.to_dict() or {})["gmail_id"] for d in docs][:MAX_REPARSE]
    elif (
        set(body) == {"leadIds"}
        and isinstance(body["leadIds"], list)
        and 1 <= len(body["leadIds"]) <= 100
        and all(isinstance(i, str) for i in body["leadIds"])
    ):
        ids = []
        for lead_id in body["leadIds"]:
            call.params["leadId"] = lead_id
            _, data = _owned(call)
            ids += [i["message_id"] for i in data.get("inquiries", [])]
    else:
        raise ValidationError(
            "give leadIds (1 to 100) or all: true",
            details={"fields": {"leadIds": "1..100 ids", "all": "true"}},
        )
    if not ids:
        raise ValidationError("nothing to re-parse", details={"fields": {"leadIds": "no emails"}})
    batch_id = queue_batch(call.deps, mailbox, "reparse", int(utcnow().timestamp()), ids)
    return 202, {"batchId": batch_id}


def register(router: Router) -> None:
    """Add the /leads routes."""
    router.add("GET", "/leads", list_leads)
    router.add("GET", "/leads/{leadId}", get_lead)
    router.add("PATCH", "/leads/{leadId}", patch_lead)
    router.add("POST", "/leads/reparse", reparse)
