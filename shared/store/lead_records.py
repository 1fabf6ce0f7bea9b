"""Pure pieces of the lead upsert: dedup keys, deterministic ids, name checks, merging."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shared.errors import ConfigError
from shared.parsing.record import Lead
from shared.types import Json, JsonObject

Outcome = Literal["lead", "merged", "not_lead"]
MAX_INQUIRIES = 500


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


@dataclass(frozen=True)
class Stored:
    """What happened to one email."""

    outcome: Outcome
    lead_id: str | None
    batch_id: str


def inquiry_of(lead: Lead, mailbox: str, gmail_id: str) -> JsonObject:
    data = lead.to_dict()
    keep = (
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
    )
    return {
        "message_id": gmail_id,
        "mailbox": mailbox,
        "inquiry_at": lead.inquiry_at,
        **{k: data[k] for k in keep},
    }


def review_state(inquiries: list[JsonObject]) -> JsonObject:
    """A lead needs review while one of its inquiries does and nobody has cleared it."""
    open_ = [i for i in inquiries if i.get("needs_review") and not i.get("reviewed")]
    reasons = sorted({r for i in open_ for r in i.get("review_reasons", [])})
    return {"needs_review": bool(open_), "review_reasons": reasons}


def merged_lead(
    existing: JsonObject, lead: Lead, inquiry: JsonObject, keys: list[str], now: datetime
) -> JsonObject:
    inquiries = [
        i for i in existing.get("inquiries", []) if i["message_id"] != inquiry["message_id"]
    ]
    inquiries.append(inquiry)
    inquiries.sort(key=lambda i: i.get("inquiry_at") or now, reverse=True)
    out = dict(existing)
    for field in ("first_name", "last_name", "email", "phone", "reply_to"):
        value = getattr(lead, field)
        if value and not out.get(field):
            out[field] = value
    out["keys"] = sorted(set(out.get("keys", [])) | set(keys))
    out["sources"] = sorted(set(out.get("sources", [])) | {lead.source})
    out["inquiries"] = inquiries[:MAX_INQUIRIES]
    out["inquiry_count"] = len(inquiries)
    out["last_inquiry_at"] = inquiries[0].get("inquiry_at")
    out["source"], out["property"] = inquiries[0]["source"], inquiries[0]["property"]
    out.update(review_state(out["inquiries"]))
    out["updated_at"] = now
    return out
