"""``leads/{id}``, ``lead_keys/{keyed id}`` and ``messages/{mailbox}:{id}``: the atomic upsert.

An email's record is also its inquiry (the fields the renter sent, ``lead_id`` pointing at
the lead), so a lead has no size or count limit: it keeps a summary (count, newest inquiry,
sources, open reviews) and :class:`~shared.store.lead_queries.LeadQueries` lists its
inquiries from the records.

Every lead belongs to one owner (the user who connected the mailbox): a renter's emails are
merged within one owner's mailboxes, never across owners. Lead ids are random; a renter is
found through ``lead_keys/{key_id(secret, owner, key)}``, keyed hashes of the owner and the
normalised phone or email, so no id reveals personal data or who is a lead anywhere.

One atomic write batch per email, guarded by preconditions: it creates the email's
idempotency record (which must not exist), creates the lead or replaces it only if it is
unchanged since it was read, and the same for the key index. A conflict means another
worker got there first: read again and retry. Two emails of one renter racing give one
lead with two inquiries (both try to create the key's index document; one retries and
merges); a redelivered email finds its record and changes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from google.cloud import firestore

from shared.errors import NotFoundError
from shared.parsing.record import Lead
from shared.records import BatchEmail, EmailRecord, from_stored
from shared.store import reviews
from shared.store.errors import store_errors
from shared.store.lead_records import (
    dedup_keys,
    inquiry_of,
    key_id,
    merged_lead,
    message_key,
    new_lead_id,
    same_person,
    unrecognised_fields,
)
from shared.store.optimistic import put, retry_on_conflict, unchanged_since
from shared.store.ownership import erase, hand_over
from shared.types import JsonObject, Sdk
from shared.vocabulary import Correction, Outcome

LEADS, KEYS, RAW_EMAILS = "leads", "lead_keys", "raw_emails"
RAW_MAX = 900_000  # bytes: a kept raw email fits its document


class LeadStore:
    """Upserts leads and records processed emails."""

    def __init__(self, db: firestore.Client, key_secret: str, raw_retention_days: int = 0) -> None:
        self._db = db
        self._secret = key_secret
        self._retention = timedelta(days=raw_retention_days) if raw_retention_days > 0 else None

    def _keep_raw(
        self, batch: Sdk, mailbox: str, gmail_id: str, lead: Lead, raw: bytes, now: datetime
    ) -> None:
        """Keep the raw email only where a parser fix is likely to change the result: a lead
        that needs review, mail the parser failed on, mail from a known site that is not a
        lead. A lead read whole has everything in its record, and unrecognised mail (which may
        be anyone's private mail) is not copied; a re-parse or a person's correction fetches
        it from Gmail again (5 quota units), so it costs no write here. Kept in its own
        document, which Firestore's TTL deletes after the retention period."""
        doubtful = (lead.is_lead and lead.needs_review) or "parser" in lead.limits_hit
        doubtful = doubtful or (not lead.is_lead and lead.source not in (None, "other"))
        doubtful = doubtful or lead.classified_by.corrected  # a corrected email is exported
        if not doubtful or not raw or len(raw) >= RAW_MAX:
            return
        doc = {"mailbox": mailbox, "gmail_id": gmail_id, "raw": raw, "stored_at": now}
        if self._retention is not None:
            doc["expires_at"] = now + self._retention
        batch.set(self._doc(RAW_EMAILS, message_key(mailbox, gmail_id)), doc)

    def record(self, mailbox: str, gmail_id: str) -> Sdk:
        """Reference to an email's idempotency record."""
        return self._db.collection("messages").document(message_key(mailbox, gmail_id))

    def _doc(self, collection: str, doc_id: str) -> Sdk:
        return self._db.collection(collection).document(doc_id)

    def store(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord:
        """Record the email and, for a lead, upsert the renter's lead of its owner (once)."""
        mailbox, gmail_id = email.mailbox, email.gmail_id
        batch_id, owner = email.batch_id, email.owner
        rec_ref = self.record(mailbox, gmail_id)
        record = {
            "owner": owner,
            "mailbox": mailbox,
            "gmail_id": gmail_id,
            "outcome": "not_lead",
            "lead_id": None,
            "batch_id": batch_id,
            "source": lead.source,
            "parser_version": lead.parser_version,
            "inquiry_at": lead.inquiry_at,
            "processed_at": now,
            **unrecognised_fields(lead, raw),
        }

        def attempt() -> EmailRecord:
            rec = rec_ref.get()
            if rec.exists:
                data = rec.to_dict() or {}
                return from_stored(EmailRecord, data)
            batch = self._db.batch()
            outcome: Outcome = "not_lead"
            lead_id: str | None = None
            inquiry: JsonObject = {}
            if lead.is_lead:
                lead_id, outcome = self._upsert(batch, lead, owner, mailbox, gmail_id, now)
                inquiry = inquiry_of(lead, mailbox, gmail_id) if lead_id else {}
            batch.create(rec_ref, {**inquiry, **record, "outcome": outcome, "lead_id": lead_id})
            if outcome != "erased":  # an erased renter's email keeps nothing of them
                self._keep_raw(batch, mailbox, gmail_id, lead, raw, now)
            batch.commit()
            return EmailRecord(outcome, lead_id, batch_id)

        with store_errors("upsert lead"):
            return retry_on_conflict(attempt, "upsert lead")

    def _upsert(
        self, batch: Sdk, lead: Lead, owner: str, mailbox: str, gmail_id: str, now: datetime
    ) -> tuple[str | None, Outcome]:
        """Add the lead's guarded writes to ``batch``; returns its id and the outcome
        (``None, "erased"``: the renter was erased, nothing is written for a lead)."""
        keys = dedup_keys(lead)
        index = [self._doc(KEYS, key_id(self._secret, owner, k)) for k in keys]
        snaps = {s.reference.path: s for s in self._db.get_all(index)} if keys else {}
        listed = {
            i.path: (snaps[i.path].to_dict() or {}).get("leads", []) if snaps[i.path].exists else []
            for i in index
        }
        match = next(
            (
                c
                for i in index
                for c in listed[i.path]
                if c.get("erased") or same_person(c, lead.first_name, lead.last_name)
            ),
            None,
        )
        if match is not None and match.get("erased"):
            return None, "erased"  # the renter was erased: this email is not linked again
        found_id = match["id"] if match is not None else None
        lead_id = found_id or new_lead_id()
        lead_ref = self._doc(LEADS, lead_id)
        lead_snap = lead_ref.get() if found_id else None
        if lead_snap is not None and (lead_snap.to_dict() or {}).get("erasing"):
            return None, "erased"  # being erased: its tombstones are on their way
        base: JsonObject = (
            (lead_snap.to_dict() or {})
            if lead_snap is not None and lead_snap.exists
            else {
                "owner": owner,
                "status": "new",
                "notes": "",
                "created_at": now,
                "keys": [],
                "sources": [],
                "mailbox": mailbox,
                "mailboxes": [],
            }
        )
        inquiry = inquiry_of(lead, mailbox, gmail_id)
        merged = merged_lead(base, lead, inquiry, keys, now, new_inquiry=True)
        known = [str(m) for m in base.get("mailboxes") or []]
        merged["mailboxes"] = sorted({*known, mailbox})
        put(self._db, batch, lead_ref, lead_snap, merged)
        for i_ref in index:
            if any(c["id"] == lead_id for c in listed[i_ref.path]):
                continue
            entry = {"id": lead_id, "first_name": lead.first_name, "last_name": lead.last_name}
            entries = [*listed[i_ref.path], entry]
            ids = sorted({str(c["id"]) for c in entries})  # erasure finds every key of a lead
            put(
                self._db,
                batch,
                i_ref,
                snaps[i_ref.path],
                {"owner": owner, "leads": entries, "lead_ids": ids},
            )
        return lead_id, "merged" if lead_snap is not None and lead_snap.exists else "lead"

    def reparse(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord:
        """Apply a new parse of a processed email: its inquiry is rewritten on its lead; an
        email that now parses as a lead (after a parser fix) gets one. Leads are never moved."""
        mailbox, gmail_id = email.mailbox, email.gmail_id
        owner = email.owner
        rec_ref = self.record(mailbox, gmail_id)

        def attempt() -> EmailRecord:
            rec = rec_ref.get()
            if not rec.exists:
                return self.store(email, lead, raw, now)
            data = rec.to_dict() or {}
            outcome, lead_id = data["outcome"], data.get("lead_id")
            if outcome == "erased":  # the renter was erased: this email makes no lead again
                return EmailRecord(outcome, None, data.get("batch_id", ""))
            if data.get("owner", owner) != owner:  # processed for the mailbox's former owner:
                return EmailRecord(outcome, lead_id, data.get("batch_id", ""))  # never touch theirs
            batch = self._db.batch()
            inquiry = inquiry_of(lead, mailbox, gmail_id) if lead.is_lead else {}
            confirmed = data.get("correction") == "not_lead"  # a person's word stays
            inquiry = inquiry or unrecognised_fields(lead, raw, cleared=True, confirmed=confirmed)
            if lead.is_lead and lead_id:
                lead_ref = self._doc(LEADS, lead_id)
                snap = lead_ref.get()
                if snap.exists:
                    old = snap.to_dict() or {}
                    keys = dedup_keys(lead)
                    done = reviews.cleared(old, data.get("processed_at"))
                    merged = merged_lead(
                        old,
                        lead,
                        inquiry,
                        keys,
                        now,
                        new_inquiry=False,
                        was_open=bool(data.get("needs_review")) and not done,
                        kept_cleared=done,
                    )
                    put(self._db, batch, lead_ref, snap, merged)
            elif lead.is_lead:
                lead_id, outcome = self._upsert(batch, lead, owner, mailbox, gmail_id, now)
                inquiry = inquiry if lead_id else {}  # an erased renter: no personal field
            batch.update(
                rec_ref,
                {
                    **inquiry,
                    "outcome": outcome,
                    "lead_id": lead_id,
                    "source": lead.source,
                    "parser_version": lead.parser_version,
                    "inquiry_at": lead.inquiry_at,
                    "reparsed_at": now,
                },
                option=unchanged_since(self._db, rec),
            )
            self._keep_raw(batch, mailbox, gmail_id, lead, raw, now)
            batch.commit()
            return EmailRecord(outcome, lead_id, data.get("batch_id", ""))

        with store_errors("reparse"):
            return retry_on_conflict(attempt, "reparse")

    def raw(self, mailbox: str, gmail_id: str) -> bytes | None:
        """The kept raw email (or the one an earlier version kept on the record), if any."""
        with store_errors("read raw email"):
            kept = self._doc(RAW_EMAILS, message_key(mailbox, gmail_id)).get()
            if not kept.exists:
                kept = self.record(mailbox, gmail_id).get(field_paths=["raw"])
        value = (kept.to_dict() or {}).get("raw") if kept.exists else None
        return bytes(value) if value else None

    def existing(self, mailbox: str, ids: list[str]) -> dict[str, EmailRecord]:
        """Idempotency records that already exist for these emails, by Gmail id."""
        refs = [self.record(mailbox, i) for i in ids]
        with store_errors("read records"):
            wanted = [f.name for f in dataclasses.fields(EmailRecord)]  # what the record holds
            snaps = self._db.get_all(refs, field_paths=wanted)
            return {
                s.id.split(":", 1)[1]: from_stored(EmailRecord, s.to_dict() or {})
                for s in snaps
                if s.exists
            }

    def correct(
        self, mailbox: str, gmail_id: str, owner: str, truth: Correction, now: datetime
    ) -> str:
        """Record what a person said an email is; returns its outcome so far. A non-lead
        confirmed ``not_lead`` leaves the review list (``needs_review`` false).

        Raises:
            NotFoundError: No processed email of ``owner`` with this id in ``mailbox``.
        """
        ref = self.record(mailbox, gmail_id)
        with store_errors("correct email"):
            snap = ref.get(field_paths=["owner", "outcome"])
            data = (snap.to_dict() or {}) if snap.exists else {}
            if data.get("owner") != owner:
                raise NotFoundError("no processed email with this id in this mailbox")
            change: JsonObject = {"correction": truth, "corrected_at": now}
            if truth == "not_lead" and data.get("outcome") == "not_lead":
                change["needs_review"] = False  # confirmed: off the review list
            ref.update(change)
        return str(data.get("outcome"))

    def hand_over(self, mailbox: str, owner: str, *, force: bool = False) -> int:
        """The former owners' records of ``mailbox`` move aside (see ``ownership.py``)."""
        return hand_over(self._db, mailbox, owner, force=force)

    def erase(self, owner: str, lead_id: str, lead: JsonObject) -> int:
        """Erase one of ``owner``'s leads for good (see ``ownership.py``)."""
        return erase(self._db, self._secret, owner, lead_id, lead)
