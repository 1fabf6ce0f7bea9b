"""Stored lead documents and email records as the API's lead models see them, and the opaque
cursor of an inquiry page."""

from __future__ import annotations

from shared.api.lead_outputs import (
    Attachment,
    Classification,
    CreditScore,
    Income,
    LeadSummary,
    Property,
)
from shared.errors import NotFoundError
from shared.ids import is_doc_id
from shared.store.lead_records import INQUIRY_FIELDS, message_key
from shared.store.reviews import cleared
from shared.tokens import pack, unpack
from shared.types import JsonObject

SHOWN_INQUIRIES = 100  # a lead's newest inquiries in its page (``inquiryCount`` has them all)
_SUMMARY = tuple(f for f in LeadSummary.__struct_fields__ if f not in ("id", "property"))


def _property(value: object) -> Property | None:
    if not isinstance(value, dict):
        return None
    return Property(**{k: value.get(k) for k in Property.__struct_fields__})


def summary(lead_id: str, data: JsonObject) -> JsonObject:
    """The fields of a :class:`LeadSummary` from a stored lead."""
    out: JsonObject = {f: data.get(f) for f in _SUMMARY}
    out.update(
        id=lead_id,
        property=_property(data.get("property")),
        status=data.get("status") or "new",
        needs_review=bool(data.get("needs_review")),
        review_reasons=list(data.get("review_reasons") or []),
        inquiry_count=int(data.get("inquiry_count") or 0),
    )
    return out


def _typed(record: JsonObject) -> JsonObject:
    credit, income, shown = (
        record.get("credit_score"),
        record.get("income"),
        record.get("classified_by"),
    )
    return {
        "credit_score": CreditScore(**credit) if isinstance(credit, dict) else None,
        "income": Income(**income) if isinstance(income, dict) else None,
        "classified_by": Classification(**shown) if isinstance(shown, dict) else None,
        "property": _property(record.get("property")),
    }


def inquiry(record: JsonObject, lead: JsonObject) -> JsonObject:
    """The fields of an :class:`Inquiry` from an email's record (``reviewed``: it needed
    review and a person cleared it)."""
    out: JsonObject = {k: record.get(k) for k in ("message_id", "mailbox", "inquiry_at")}
    out.update({k: record.get(k) for k in INQUIRY_FIELDS})
    out.update(_typed(record))
    out["needs_review"] = bool(record.get("needs_review"))
    out["review_reasons"] = list(record.get("review_reasons") or [])
    out["tour_times"] = list(record.get("tour_times") or [])
    out["attachments"] = [
        Attachment(name=str(a["name"]), type=str(a["type"]), bytes=int(a["bytes"]))
        for a in record.get("attachments") or []
        if isinstance(a, dict)
    ]
    out["pets"] = record.get("pets") or "unknown"
    out["message_truncated"] = bool(record.get("message_truncated"))
    out["reviewed"] = out["needs_review"] and cleared(lead, record.get("processed_at"))
    return out


def encode_cursor(record: JsonObject) -> str:
    """The opaque cursor after one inquiry: its record key, base64url."""
    key = message_key(str(record.get("mailbox")), str(record.get("message_id")))
    return pack(key)


def decode_cursor(cursor: str) -> str:
    """The record key an inquiry cursor names (404 when it names none)."""
    try:
        key = unpack(cursor)
    except ValueError as exc:
        raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}}) from exc
    if not is_doc_id(key):
        raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
    return key
