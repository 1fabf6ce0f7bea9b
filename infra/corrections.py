"""``make corrections``: every email a person corrected (made a lead, or said a lead is not
one), anonymised, written as a fixture candidate with its truth, so the parser learns from
what it missed.

Each candidate is ``<out>/correction-<hash>.eml`` and ``.json`` (the record the parser gives
of the anonymised email with the person's word, in the golden-file format). Every person's
address, phone and name is replaced in every form and every nested message, headers outside
a safe list are dropped and attachments emptied (``infra/anonymise.py``); a part in an
unknown charset is emptied and noted (``_notes``), never the end of the export. Read the
candidate before copying it into ``tests/fixtures/emails/<source>/``: a signature may still
name someone in words no header gives.

Run against the emulator (``FIRESTORE_EMULATOR_HOST``) or a project with its credentials.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from google.cloud import firestore

from infra.anonymise import anonymised
from shared import config
from shared.parsing import parse_email

MAX_EXPORT = 1_000


def export(db: firestore.Client, out: Path, tz: str) -> dict[str, int]:
    """Write every corrected email with a kept raw copy; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    query = (
        db.collection("messages")
        .where(filter=firestore.FieldFilter("correction", "in", ["lead", "not_lead"]))
        .limit(MAX_EXPORT)
    )
    counts = {"exported": 0, "no_raw": 0, "with_notes": 0}
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
        eml, notes = anonymised(bytes(raw), parsed, seed)
        # the truth is what the parser reads of the anonymised email, with the person's word
        record = parse_email(eml, tz, as_lead=truth == "lead").to_dict()
        if truth == "not_lead":
            record = {"is_lead": False, "classified_by": {"evidence": [], "corrected": True}}
        record.pop("parser_version", None)
        record.update(_template="correction", _correction=truth)
        if notes:
            record["_notes"] = notes
            counts["with_notes"] += 1
        (out / f"correction-{seed}.eml").write_bytes(eml)
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
