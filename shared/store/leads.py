"""``leads/{id}``, ``lead_keys/{key}`` and ``messages/{mailbox}:{id}``: the atomic upsert.

One transaction per email: it reads the email's idempotency record, finds the lead by
its dedup keys (normalised phone, the renter's real email), appends the inquiry and
creates the record. Two emails of one renter racing give one lead with two inquiries;
a redelivered email finds its record and changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from google.cloud import firestore

from shared.parsing.record import Lead
from shared.store.errors import store_errors

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


def lead_id_for(key: str) -> str:
    """Deterministic lead id derived from the key a lead was created with."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Stored:
    """What happened to one email."""

    outcome: Outcome
    lead_id: str | None
    batch_id: str


def _inquiry(lead: Lead, mailbox: str, gmail_id: str) -> dict[str, Any]:
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
        "parser_version",
    )
    return {
        "message_id": gmail_id,
        "mailbox": mailbox,
        "inquiry_at": lead.inquiry_at,
        **{k: data[k] for k in keep},
    }


def _merged(
    existing: dict[str, Any], lead: Lead, inquiry: dict[str, Any], keys: list[str], now: datetime
) -> dict[str, Any]:
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
    out["updated_at"] = now
    return out


class LeadStore:
    """Upserts leads and records processed emails."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def record(self, mailbox: str, gmail_id: str) -> Any:
        """Reference to an email's idempotency record."""
        return self._db.collection("messages").document(message_key(mailbox, gmail_id))

    def store(
        self, mailbox: str, gmail_id: str, lead: Lead, raw: bytes, batch_id: str, now: datetime
    ) -> Stored:
        """Record the email and, for a lead, upsert the renter's lead (exactly once)."""
        rec_ref = self.record(mailbox, gmail_id)
        keys = dedup_keys(lead) if lead.is_lead else []
        key_refs = [self._db.collection("lead_keys").document(k) for k in keys]
        direct_refs = [self._db.collection("leads").document(lead_id_for(k)) for k in keys]

        @firestore.transactional
        def upsert(txn: firestore.Transaction) -> Stored:
            rec = rec_ref.get(transaction=txn)
            if rec.exists:
                data = rec.to_dict() or {}
                return Stored(data["outcome"], data.get("lead_id"), data.get("batch_id", ""))
            found: str | None = None
            snaps = (
                {s.reference.path: s for s in txn.get_all([*direct_refs, *key_refs])}
                if keys
                else {}
            )
            for direct, key_ref in zip(direct_refs, key_refs, strict=True):
                if snaps[direct.path].exists:
                    found = direct.id
                elif snaps[key_ref.path].exists:
                    found = (snaps[key_ref.path].to_dict() or {})["lead_id"]
                if found:
                    break
            outcome: Outcome = "not_lead"
            lead_id = None
            if lead.is_lead:
                inquiry = _inquiry(lead, mailbox, gmail_id)
                lead_id = found or (
                    lead_id_for(keys[0])
                    if keys
                    else lead_id_for(f"message:{message_key(mailbox, gmail_id)}")
                )
                lead_ref = self._db.collection("leads").document(lead_id)
                existing = (lead_ref.get(transaction=txn).to_dict() or {}) if found else {}
                base = existing or {
                    "status": "new",
                    "notes": "",
                    "created_at": now,
                    "keys": [],
                    "sources": [],
                    "inquiries": [],
                    "mailbox": mailbox,
                }
                txn.set(lead_ref, _merged(base, lead, inquiry, keys, now))
                for key, key_ref in zip(keys, key_refs, strict=True):
                    if lead_id_for(key) != lead_id and not snaps[key_ref.path].exists:
                        txn.set(key_ref, {"lead_id": lead_id})
                outcome = "merged" if found else "lead"
            txn.create(
                rec_ref,
                {
                    "mailbox": mailbox,
                    "gmail_id": gmail_id,
                    "outcome": outcome,
                    "lead_id": lead_id,
                    "batch_id": batch_id,
                    "source": lead.source,
                    "parser_version": lead.parser_version,
                    "inquiry_at": lead.inquiry_at,
                    "processed_at": now,
                    "raw": raw if len(raw) < 900_000 else None,
                },
            )
            return Stored(outcome, lead_id, batch_id)

        with store_errors("upsert lead"):
            return upsert(self._db.transaction())  # type: ignore[no-any-return]

    def existing(self, mailbox: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Idempotency records that already exist for these emails, by Gmail id."""
        refs = [self.record(mailbox, i) for i in ids]
        with store_errors("read records"):
            snaps = self._db.get_all(refs, field_paths=["outcome", "lead_id", "batch_id"])
            return {s.id.split(":", 1)[1]: s.to_dict() or {} for s in snaps if s.exists}
