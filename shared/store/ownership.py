"""A mailbox changes hands, or a renter is erased: the writes that keep each owner's data
apart and leave nothing of an erased renter.

* When another user connects a mailbox its former owner disconnected, the former owner's
  email records move to owner-tagged keys (``{mailbox}:{id}~{tag}``): their leads keep them
  (a lead lists its inquiries by owner and lead id, never by key), and the new owner's
  pipeline finds no record of its own, so it makes its own leads from the same mail.
* ``erase`` removes a lead for good: the lead, its renter's entries in the key index, the
  personal fields of its email records (each record stays, ``erased``, so the same email is
  never made into a lead again) and the kept raw emails.
"""

from __future__ import annotations

from google.cloud import firestore

from shared.store.errors import store_errors
from shared.store.lead_queries import lead_records
from shared.store.lead_records import INQUIRY_FIELDS, key_id, message_key, owner_tag
from shared.store.optimistic import unchanged_since
from shared.types import JsonObject, Sdk

MESSAGES, LEADS, KEYS, RAW = "messages", "leads", "lead_keys", "raw_emails"
HANDOVERS = "handovers"  # {mailbox}: the last hand-over's owner, cursor, count, done
PAGE = 200  # records per write batch (a record moved costs two writes; a batch holds 500)
PERSONAL = tuple(k for k in INQUIRY_FIELDS if k not in ("source", "parser_version", "site"))


def hand_over(db: firestore.Client, mailbox: str, owner: str, *, force: bool = False) -> int:
    """Move the records of ``mailbox`` that belong to other owners to their tagged keys, and
    ``owner``'s own records back from theirs (a mailbox handed back: A, then B, then A);
    returns how many moved (0 when the mailbox never changed hands). ``force``: run again
    though this owner's hand-over finished (the audit found records it left behind)."""
    if force:
        db.collection(HANDOVERS).document(mailbox).delete()
    return _set_aside(db, mailbox, owner) + _take_back(db, mailbox, owner)


def _take_back(db: firestore.Client, mailbox: str, owner: str) -> int:
    query = (
        db.collection(MESSAGES)
        .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        .where(filter=firestore.FieldFilter("owner", "==", owner))
        .where(filter=firestore.FieldFilter("handed_over", "==", True))
        .limit(PAGE)
    )
    moved = 0
    with store_errors("take back records"):
        while snaps := list(query.stream()):
            batch = db.batch()
            for snap in snaps:
                data = {k: v for k, v in (snap.to_dict() or {}).items() if k != "handed_over"}
                base = snap.id.rpartition("~")[0]
                batch.set(db.collection(MESSAGES).document(base), data)
                batch.delete(snap.reference)
            batch.commit()
            moved += len(snaps)
    return moved


def _set_aside(db: firestore.Client, mailbox: str, owner: str) -> int:
    """Move other owners' records to their tagged keys, a page at a time, newest key first:
    a tagged copy (``{key}~{tag}``) sorts above the key it came from, so the descending
    cursor never reads a copy it wrote. The cursor and the count are kept on
    ``handovers/{mailbox}`` after each page, so a hand-over killed midway resumes there;
    one finished for this owner is not run again unless ``hand_over(force=True)``."""
    progress = db.collection(HANDOVERS).document(mailbox)
    with store_errors("hand over records"):
        state = _progress(progress, owner)
        query = (
            db.collection(MESSAGES)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("owner", "!=", owner))
            .order_by("owner", direction=firestore.Query.DESCENDING)
            .order_by("__name__", direction=firestore.Query.DESCENDING)
            .limit(PAGE)
        )
        moved = 0
        while True:
            after = state.get("after")
            page = query.start_after(_cursor(db, after)) if after else query
            snaps = list(page.stream())
            if not snaps:
                progress.set({**state, "done": True, "finished_at": firestore.SERVER_TIMESTAMP})
                return moved
            batch = db.batch()
            for snap in (s for s in snaps if "~" not in s.id):
                data = snap.to_dict() or {}
                tagged = f"{snap.id}~{owner_tag(str(data.get('owner')))}"
                batch.set(db.collection(MESSAGES).document(tagged), {**data, "handed_over": True})
                batch.delete(snap.reference)
                moved += 1
            last = snaps[-1]
            state = {
                **state,
                "after": {"owner": (last.to_dict() or {}).get("owner"), "id": last.id},
                "moved": int(state.get("moved") or 0) + sum("~" not in s.id for s in snaps),
            }
            batch.set(progress, state)  # the page and where to go on from, together
            batch.commit()


def _progress(ref: Sdk, owner: str) -> JsonObject:
    """Where this owner's hand-over of the mailbox stands: resumed if it was cut short, a
    fresh start if it is another owner's or finished."""
    snap = ref.get()
    data = (snap.to_dict() or {}) if snap.exists else {}
    if data.get("owner") == owner and not data.get("done"):
        return data
    return {"owner": owner, "moved": 0, "after": None, "done": False}


def _cursor(db: firestore.Client, after: JsonObject) -> JsonObject:
    """The descending cursor's position: the last record's owner and key (it was moved)."""
    return {
        "owner": after["owner"],
        "__name__": db.collection(MESSAGES).document(str(after["id"])),
    }


def handover_state(db: firestore.Client, mailbox: str) -> JsonObject:
    """The mailbox's last hand-over: its owner, records moved, and whether it finished."""
    snap = db.collection(HANDOVERS).document(mailbox).get()
    return (snap.to_dict() or {}) if snap.exists else {}


def erase(db: firestore.Client, secret: str, owner: str, lead_id: str, lead: JsonObject) -> int:
    """Erase a lead of ``owner`` for good; returns how many email records were cleared.

    In an order that wins every race with the pipeline: the lead is marked ``erasing``
    first (an email of the renter being stored meanwhile fails its guarded write, reads
    again and is recorded ``erased``); every key index entry naming the lead becomes a
    tombstone without names (found by ``lead_ids``, so every email's keys, not only the
    lead's 20 kept ones), so a later email of the renter stays an ``erased`` record without
    personal fields; then the email records are cleared, the kept raw emails deleted, and
    the lead deleted.
    """
    ref = db.collection(LEADS).document(lead_id)
    with store_errors("erase lead"):
        ref.update({"erasing": True})
        _tombstone(db, secret, owner, lead_id, [str(k) for k in lead.get("keys") or []])
        cleared = _clear_records(db, owner, lead_id)
        ref.delete()
    return cleared


def _clear_records(db: firestore.Client, owner: str, lead_id: str) -> int:
    records = lead_records(db, owner, lead_id, PAGE)
    cleared = 0
    while snaps := list(records.stream()):
        batch = db.batch()
        for snap in snaps:
            data = snap.to_dict() or {}
            gone: JsonObject = {k: firestore.DELETE_FIELD for k in PERSONAL if k in data}
            batch.update(snap.reference, {**gone, "lead_id": None, "outcome": "erased"})
            raw = message_key(str(data.get("mailbox")), str(data.get("gmail_id")))
            batch.delete(db.collection(RAW).document(raw))
        batch.commit()
        cleared += len(snaps)
    return cleared


def _tombstone(db: Sdk, secret: str, owner: str, lead_id: str, keys: list[str]) -> None:
    """Every key index entry of the lead becomes ``{"id", "erased": true}``: the names
    go, the keyed hash stays, so the renter's later emails are known and not linked."""
    naming = (
        db.collection(KEYS)
        .where(filter=firestore.FieldFilter("owner", "==", owner))
        .where(filter=firestore.FieldFilter("lead_ids", "array_contains", lead_id))
    )
    refs = {s.reference.path: s.reference for s in naming.stream()}
    for key in keys:  # entries written before keys listed their leads' ids
        ref = db.collection(KEYS).document(key_id(secret, owner, key))
        refs.setdefault(ref.path, ref)
    for ref in refs.values():
        snap = ref.get()
        if not snap.exists:
            continue
        data = snap.to_dict() or {}
        entries = [
            {"id": lead_id, "erased": True} if c.get("id") == lead_id else c
            for c in data.get("leads", [])
        ]
        ids = sorted({str(c["id"]) for c in entries})
        ref.update({"leads": entries, "lead_ids": ids}, option=unchanged_since(db, snap))
