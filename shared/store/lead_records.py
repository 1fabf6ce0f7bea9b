"""Pure pieces of the lead upsert: dedup keys, deterministic ids, name checks, merging."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from shared.errors import ConfigError
from shared.parsing.mail import headline
from shared.parsing.record import Lead
from shared.store import reviews
from shared.store.search_keys import search_fields
from shared.types import Json, JsonObject


def message_key(mailbox: str, gmail_id: str) -> str:
    """Document id of an email's idempotency record."""
    return f"{mailbox.lower()}:{gmail_id}"


def dedup_keys(lead: Lead) -> list[str]:
    """Keys that identify the renter: phone first, then the real email (never relays)."""
    keys = [f"phone:{lead.phone}"] if lead.phone else []
    if lead.email:
        keys.append(f"email:{lead.email.lower()}")
    return keys


def key_id(secret: str, owner: str, key: str) -> str:
    """Id of an owner's renter-key index document: a keyed hash (HMAC-SHA256) of the owner
    and the key, so the id reveals neither the phone or email nor who is a lead anywhere."""
    if not secret:
        raise ConfigError("setting LEAD_KEY_SECRET is required")
    message = f"{owner.lower()}\n{key}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:40]


def new_lead_id() -> str:
    """A random lead id (it carries no data)."""
    return secrets.token_hex(12)


def _same(a: Json, b: Json) -> bool:
    return not a or not b or str(a).casefold() == str(b).casefold()


def same_person(lead: JsonObject, first: str | None, last: str | None) -> bool:
    """A shared phone or email means the same renter only if the names do not disagree.

    Fictional or recycled numbers and shared family phones must not merge strangers.
    """
    return _same(lead.get("first_name"), first) and _same(lead.get("last_name"), last)


INQUIRY_FIELDS = (
    "source",
    "message",
    "move_in_date",
    "credit_score",
    "income",
    "pets",
    "occupants",
    "bedrooms",
    "lease_months",
    "property",
    "needs_review",
    "review_reasons",
    "parser_version",
    "site",
    "intent",
    "tour_times",
    "classified_by",
    "attachments",
)
MAX_MESSAGE_CHARS = 20_000  # an inquiry's message as stored; the raw email keeps the rest
MAX_KEYS = 20  # renter keys a lead gathers (each inquiry may add its phone and email)


def inquiry_of(lead: Lead, mailbox: str, gmail_id: str) -> JsonObject:
    """The inquiry fields an email's record carries (its message bounded in size)."""
    data = lead.to_dict()
    out: JsonObject = {
        "message_id": gmail_id,
        "mailbox": mailbox,
        "inquiry_at": lead.inquiry_at,
        **{k: data[k] for k in INQUIRY_FIELDS},
    }
    message = out["message"]
    if isinstance(message, str) and len(message) > MAX_MESSAGE_CHARS:
        out["message"], out["message_truncated"] = message[:MAX_MESSAGE_CHARS], True
    return out


def owner_tag(owner: str) -> str:
    """The suffix of a former owner's record keys (no address in a key)."""
    return hashlib.sha256(owner.encode()).hexdigest()[:12]


def unrecognised_fields(
    lead: Lead, raw: bytes = b"", *, cleared: bool = False, confirmed: bool = False
) -> JsonObject:
    """What a non-lead's record keeps of its review: ``unrecognised`` mail (``limits_hit``
    says which bound, if one) is for a person to decide, shown with its subject and sender.

    Args:
        lead: The parser's record.
        raw: The email (its headline is kept for the person deciding; empty: never fetched).
        cleared: A re-parse: the fields are written even when now empty.
        confirmed: A person said it is not a lead: it is no longer for review.
    """
    if lead.is_lead or not (lead.needs_review or cleared):
        return {}
    review = lead.needs_review and not confirmed
    subject, sender = headline(raw) if review and raw else ("", "")
    return {
        "needs_review": review,
        "review_reasons": list(lead.review_reasons),
        "limits_hit": list(lead.limits_hit),
        "subject": subject or None,
        "sender": sender or None,
    }


def _is_newest(existing: JsonObject, inquiry: JsonObject) -> bool:
    last = existing.get("last_inquiry") or {}
    if not last or last.get("message_id") == inquiry["message_id"]:
        return True
    newest, this = existing.get("last_inquiry_at"), inquiry.get("inquiry_at")
    return newest is None or (this is not None and this >= newest)


def merged_lead(
    existing: JsonObject,
    lead: Lead,
    inquiry: JsonObject,
    keys: list[str],
    now: datetime,
    *,
    new_inquiry: bool,
    was_open: bool = False,
    kept_cleared: bool = False,
) -> JsonObject:
    """The lead summary after one inquiry is added (or re-parsed): counts, newest inquiry,
    sources, keys and open reviews (bounded, ``reviews.py``; ``was_open``: a re-parsed
    inquiry was counted open; ``kept_cleared``: a person had cleared it, which holds); the
    inquiries themselves live on the emails' records."""
    out = dict(existing)
    out.pop("inquiries", None)  # an early layout embedded every inquiry in the lead
    for field in ("first_name", "last_name", "email", "phone", "reply_to"):
        value = getattr(lead, field)
        if value and not out.get(field):
            out[field] = value
    out["keys"] = sorted(set(out.get("keys", [])) | set(keys))[:MAX_KEYS]
    out["sources"] = sorted(set(out.get("sources", [])) | {lead.source})
    out["inquiry_count"] = int(out.get("inquiry_count") or 0) + (1 if new_inquiry else 0)
    if _is_newest(existing, inquiry):
        out["last_inquiry_at"] = inquiry.get("inquiry_at")
        out["source"], out["property"] = inquiry["source"], inquiry["property"]
        out["last_inquiry"] = {
            k: inquiry.get(k) for k in ("message_id", "mailbox", "source", "inquiry_at")
        }
    review_key = message_key(inquiry["mailbox"], inquiry["message_id"])
    flagged = inquiry.get("needs_review") and not kept_cleared
    reasons = list(inquiry.get("review_reasons") or []) if flagged else None
    out.update(reviews.after_inquiry(out, review_key, reasons, now, was_open=was_open))
    out.update(search_fields(out))
    out["updated_at"] = now
    return out
