"""One-off migration to owner-scoped data (``make migrate``): leads, renter keys, email records,
batches and retry entries written before leads had owners get one, without losing anything.

A lead that held emails of two owners' mailboxes (one renter writing to two landlords, merged
before owners existed) is split: one lead per owner, each with only its owner's records.

Before: lead ids were hashes of a phone or email, ``lead_keys/{phone:…}`` listed leads by
plain key, and records and batches had no owner. After: every lead has its owner (the user
who connected its mailbox) and ``mailboxes``, a keyed random-looking id, keys indexed under
``key_id(secret, owner, key)``; records point to the new ids and carry the owner; batches
and retry entries carry the owner. Idempotent: a new id is a keyed hash of the old one, so a
rerun (also after a crash half-way) rewrites the same documents, and migrated documents are
skipped.

Run against production with the key: ``LEAD_KEY_SECRET=$(gcloud secrets versions access
latest --secret=lead-key-secret) GOOGLE_CLOUD_PROJECT=… make migrate``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections import Counter

from google.cloud import firestore

from shared import config
from shared.store.lead_records import key_id
from shared.types import JsonObject, Sdk


def migrated_id(secret: str, old_id: str) -> str:
    """The lead's new id: keyed, stable across reruns, revealing nothing."""
    return hmac.new(secret.encode(), f"migrate\n{old_id}".encode(), hashlib.sha256).hexdigest()[:24]


def _split(records: list[Sdk], owners: dict[str, str | None], primary: str) -> dict[str, list[Sdk]]:
    """The lead's email records by owner (a record of a mailbox nobody owns stays with the
    lead's own owner)."""
    groups: dict[str, list[Sdk]] = {primary: []}
    for record in records:
        mailbox = str((record.to_dict() or {}).get("mailbox", ""))
        groups.setdefault(owners.get(mailbox) or primary, []).append(record)
    return groups


def _migrate_lead(db: Sdk, secret: str, snap: Sdk, owners: dict[str, str | None]) -> int:
    """One old lead becomes one lead per owner whose mailboxes hold its emails (a lead
    written before owners existed may mix two owners' renters' mail); returns how many."""
    data: JsonObject = snap.to_dict() or {}
    mailbox = str(data.get("mailbox", ""))
    primary = str(owners.get(mailbox))
    records = list(
        db.collection("messages")
        .where(filter=firestore.FieldFilter("lead_id", "==", snap.id))
        .stream()
    )
    groups = _split(records, owners, primary)
    batch = db.batch()
    for owner, mine in groups.items():
        if owner != primary and not mine:
            continue
        new_id = migrated_id(secret, snap.id if owner == primary else f"{snap.id}\n{owner}")
        boxes = {str((r.to_dict() or {}).get("mailbox", "")) for r in mine}
        boxes |= {mailbox} if owner == primary else set()
        kept = [
            i
            for i in data.get("inquiries") or []
            if isinstance(i, dict) and (owners.get(str(i.get("mailbox"))) or primary) == owner
        ]
        moved = {
            **data,
            "owner": owner,
            "mailbox": mailbox if owner == primary else sorted(boxes)[0],
            "mailboxes": sorted(boxes - {""}),
            "migrated_from": snap.id,
            "inquiries": kept,
            "inquiry_count": len(mine) if len(groups) > 1 else data.get("inquiry_count", len(mine)),
        }
        batch.set(db.collection("leads").document(new_id), moved)
        entry = {
            "id": new_id,
            "first_name": data.get("first_name"),
            "last_name": data.get("last_name"),
        }
        for key in data.get("keys", []):
            ref = db.collection("lead_keys").document(key_id(secret, owner, key))
            listed = (ref.get().to_dict() or {}).get("leads", [])
            if all(c["id"] != new_id for c in listed):
                batch.set(ref, {"owner": owner, "leads": [*listed, entry]})
        for record in mine:
            batch.update(record.reference, {"lead_id": new_id, "owner": owner})
    batch.delete(snap.reference)
    batch.commit()
    return sum(1 for owner, mine in groups.items() if owner == primary or mine)


def migrate(db: Sdk, secret: str) -> dict[str, int]:
    """Move everything written by the old scheme; returns what was done."""
    owners = {s.id: (s.to_dict() or {}).get("owner") for s in db.collection("accounts").stream()}
    done: Counter[str] = Counter()
    for snap in db.collection("leads").stream():
        data = snap.to_dict() or {}
        owner = owners.get(str(data.get("mailbox", "")))
        if data.get("owner"):
            continue
        if not owner:
            done["leads_without_owner"] += 1  # its mailbox was never connected: left as is
            continue
        done["leads"] += _migrate_lead(db, secret, snap, owners)
    for snap in db.collection("lead_keys").stream():
        if not (snap.to_dict() or {}).get("owner"):  # a plain-key document of the old scheme
            snap.reference.delete()
            done["plain_keys_removed"] += 1
    for name in ("messages", "batches", "retries"):
        for snap in db.collection(name).stream():
            data = snap.to_dict() or {}
            owner = owners.get(str(data.get("mailbox", "")))
            if not data.get("owner") and owner:
                snap.reference.update({"owner": owner})
                done[name] += 1
    return dict(done)


def main() -> int:
    """Migrate the configured project (the emulator when FIRESTORE_EMULATOR_HOST is set)."""
    settings = config.get()
    secret = settings.require("LEAD_KEY_SECRET")
    db = firestore.Client(project=settings.google_cloud_project)
    print(json.dumps(migrate(db, secret), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
