"""``leads/{id}``, ``lead_keys/{key}`` and ``messages/{mailbox}:{id}``: the atomic upsert.

One transaction per email: it reads the email's idempotency record, finds the lead by
its dedup keys (normalised phone, the renter's real email), appends the inquiry and
creates the record. Two emails of one renter racing give one lead with two inquiries;
a redelivered email finds its record and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import firestore

from shared.parsing.record import Lead
from shared.store.errors import store_errors
from shared.store.lead_records import (
    Outcome,
    Stored,
    dedup_keys,
    inquiry_of,
    lead_id_for,
    merged_lead,
    message_key,
    same_person,
)


class LeadStore:
    """Upserts leads and records processed emails."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def record(self, mailbox: str, gmail_id: str) -> Any:
        """Reference to an email's idempotency record."""
        return self._db.collection("messages").document(message_key(mailbox, gmail_id))

    def _doc(self, collection: str, doc_id: str) -> Any:
        return self._db.collection(collection).document(doc_id)

    def store(
        self, mailbox: str, gmail_id: str, lead: Lead, raw: bytes, batch_id: str, now: datetime
    ) -> Stored:
        """Record the email and, for a lead, upsert the renter's lead (exactly once).

        A lead created from key ``k`` has the id ``lead_id_for(k)``, so it is found without an
        index document; other (lead, key) pairs are listed in ``lead_keys/{k}`` with names.
        """
        rec_ref = self.record(mailbox, gmail_id)
        keys = dedup_keys(lead) if lead.is_lead else []
        direct = [self._doc("leads", lead_id_for(k)) for k in keys]
        index = [self._doc("lead_keys", k) for k in keys]

        @firestore.transactional
        def upsert(txn: firestore.Transaction) -> Stored:
            rec = rec_ref.get(transaction=txn)
            if rec.exists:
                data = rec.to_dict() or {}
                return Stored(data["outcome"], data.get("lead_id"), data.get("batch_id", ""))
            snaps = {s.reference.path: s for s in txn.get_all([*direct, *index])} if keys else {}
            found: dict[str, Any] | None = None
            found_id = None
            for d_ref, i_ref in zip(direct, index, strict=True):
                cands = []
                if snaps[d_ref.path].exists:
                    cands.append((d_ref.id, snaps[d_ref.path].to_dict() or {}))
                cands += [
                    (c["id"], c) for c in (snaps[i_ref.path].to_dict() or {}).get("leads", [])
                ]
                for cand_id, names in cands:
                    if same_person(names, lead.first_name, lead.last_name):
                        found_id = cand_id
                        break
                if found_id:
                    break
            outcome: Outcome = "not_lead"
            lead_id = None
            if lead.is_lead:
                if found_id:
                    found = self._doc("leads", found_id).get(transaction=txn).to_dict() or {}
                lead_id = found_id or self._new_id(keys, snaps, direct, lead, mailbox, gmail_id)
                base = found or {
                    "status": "new",
                    "notes": "",
                    "created_at": now,
                    "keys": [],
                    "sources": [],
                    "inquiries": [],
                    "mailbox": mailbox,
                }
                txn.set(
                    self._doc("leads", lead_id),
                    merged_lead(base, lead, inquiry_of(lead, mailbox, gmail_id), keys, now),
                )
                self._index(txn, keys, index, snaps, lead_id, lead)
                outcome = "merged" if found_id else "lead"
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

    @staticmethod
    def _new_id(
        keys: list[str],
        snaps: dict[str, Any],
        direct: list[Any],
        lead: Lead,
        mailbox: str,
        gmail_id: str,
    ) -> str:
        if not keys:
            return lead_id_for(f"message:{message_key(mailbox, gmail_id)}")
        if not snaps[direct[0].path].exists:
            return lead_id_for(keys[0])
        return lead_id_for(f"{keys[0]}|{lead.first_name}|{lead.last_name}".casefold())

    @staticmethod
    def _index(
        txn: Any, keys: list[str], index: list[Any], snaps: dict[str, Any], lead_id: str, lead: Lead
    ) -> None:
        for key, i_ref in zip(keys, index, strict=True):
            listed = (snaps[i_ref.path].to_dict() or {}).get("leads", [])
            if lead_id_for(key) == lead_id or any(c["id"] == lead_id for c in listed):
                continue
            entry = {"id": lead_id, "first_name": lead.first_name, "last_name": lead.last_name}
            txn.set(i_ref, {"leads": [*listed, entry]})

    def existing(self, mailbox: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Idempotency records that already exist for these emails, by Gmail id."""
        refs = [self.record(mailbox, i) for i in ids]
        with store_errors("read records"):
            snaps = self._db.get_all(refs, field_paths=["outcome", "lead_id", "batch_id"])
            return {s.id.split(":", 1)[1]: s.to_dict() or {} for s in snaps if s.exists}
