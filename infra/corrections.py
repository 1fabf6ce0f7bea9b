"""``make corrections``: every email a person corrected (made a lead, or said a lead is not
one), anonymised, written as a fixture candidate with its truth, so the parser learns from
what it missed.

Each candidate is ``<out>/correction-<hash>.eml`` and ``.json`` (the record the parser now
gives with the person's word, in the golden-file format). The renter's name, email and phone
are replaced everywhere (headers, text and HTML parts) by invented ones; attachments are
dropped. Read the candidate before copying it into ``tests/fixtures/emails/<source>/``: a signature
or a quoted thread may name other people.

Run against the emulator (``FIRESTORE_EMULATOR_HOST``) or a project with its credentials.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import json
import re
import sys
from email.message import EmailMessage
from pathlib import Path

from google.cloud import firestore

from shared import config
from shared.parsing import parse_email
from shared.types import JsonObject

FIRST = ("Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Emerson")
LAST = ("Hollis", "Marsh", "Delgado", "Okoro", "Lindgren", "Petrov", "Achebe", "Sato")
MAX_EXPORT = 1_000


def _pick(options: tuple[str, ...], seed: str) -> str:
    return options[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(options)]


def replacements(record: JsonObject, seed: str) -> list[tuple[re.Pattern[str], str]]:
    """The renter's values and their invented stand-ins, as patterns to substitute."""
    out: list[tuple[re.Pattern[str], str]] = []
    first, last = _pick(FIRST, seed + "f"), _pick(LAST, seed + "l")
    if record.get("email"):
        local = f"{first}.{last}".lower()
        out.append((re.compile(re.escape(str(record["email"])), re.I), f"{local}@example.com"))
    phone = re.sub(r"\D", "", str(record.get("phone") or ""))[-10:]
    if len(phone) == 10:
        shape = rf"(?:\+?1[\s.-]?)?\(?{phone[:3]}\)?[\s.-]?{phone[3:6]}[\s.-]?{phone[6:]}"
        number = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 100
        out.append((re.compile(shape), f"{phone[:3]}-555-01{number:02d}"))
    for key, fake in (("first_name", first), ("last_name", last)):
        for token in str(record.get(key) or "").split():
            if len(token) > 1:
                out.append((re.compile(rf"\b{re.escape(token)}\b", re.I), fake))
    return out


def _sub(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, fake in rules:
        text = pattern.sub(fake, text)
    return text


def anonymised(raw: bytes, rules: list[tuple[re.Pattern[str], str]]) -> bytes:
    """The email with the renter's values replaced in headers and text parts (no attachments)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    for name in ("From", "To", "Cc", "Reply-To", "Subject"):
        if msg[name] is not None:
            value = _sub(str(msg[name]), rules)
            del msg[name]
            msg[name] = value
    for part in list(msg.walk()):
        if part.is_multipart() or not isinstance(part, EmailMessage):
            continue
        if part.get_content_maintype() != "text" or part.get_content_disposition() == "attachment":
            part.set_content("")  # an attachment may hold anything: dropped
            continue
        cte = str(part.get("Content-Transfer-Encoding") or "quoted-printable").lower()
        text = _sub(part.get_content(), rules)
        part.set_content(text, subtype=part.get_content_subtype(), cte=_cte(cte))
    return msg.as_bytes()


def _cte(value: str) -> str:
    return value if value in ("7bit", "8bit", "base64", "quoted-printable") else "quoted-printable"


def export(db: firestore.Client, out: Path, tz: str) -> dict[str, int]:
    """Write every corrected email with a kept raw copy; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    query = (
        db.collection("messages")
        .where(filter=firestore.FieldFilter("correction", "in", ["lead", "not_lead"]))
        .limit(MAX_EXPORT)
    )
    counts = {"exported": 0, "no_raw": 0}
    for snap in query.stream():
        rec = snap.to_dict() or {}
        kept = db.collection("raw_emails").document(snap.id).get()
        raw = (kept.to_dict() or {}).get("raw") if kept.exists else None
        if not raw:
            counts["no_raw"] += 1
            continue
        truth = rec["correction"]
        seed = hashlib.sha256(snap.id.encode()).hexdigest()[:12]
        parsed = parse_email(bytes(raw), tz, as_lead=truth == "lead").to_dict()
        if truth == "not_lead":
            parsed = {"is_lead": False, "classified_by": {"evidence": [], "corrected": True}}
        rules = replacements(parsed, seed)
        record = json.loads(_sub(json.dumps(parsed, ensure_ascii=False), rules))
        record.pop("parser_version", None)
        record.update(_template="correction", _correction=truth)
        (out / f"correction-{seed}.eml").write_bytes(anonymised(bytes(raw), rules))
        (out / f"correction-{seed}.json").write_text(json.dumps(record, indent=2) + "\n")
        counts["exported"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """Export the configured project's corrections (the emulator when its host is set)."""
    ap = argparse.ArgumentParser(prog="make corrections", description=__doc__)
    ap.add_argument("--out", default="build/corrections", help="folder for the candidates")
    args = ap.parse_args(argv)
    settings = config.get()
    db = firestore.Client(project=settings.google_cloud_project)
    print(json.dumps(export(db, Path(args.out), settings.mailbox_tz), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
