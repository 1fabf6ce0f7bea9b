"""``python -m shared.parsing FILE...``: one JSON lead record per line, in input order."""

from __future__ import annotations

import argparse
import json
import sys

from shared.parsing.parse import DEFAULT_TZ, parse_email
from shared.parsing.record import Lead
from shared.types import JsonObject


def parse_file(path: str, tz: str) -> JsonObject:
    """Parse one file; any failure becomes ``is_lead: false`` with an ``error``."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if not raw.strip():
            record = Lead(error="empty file").to_dict()
        else:
            record = parse_email(raw, tz).to_dict()
    except Exception as exc:  # noqa: BLE001 - the CLI never prints a traceback
        record = Lead(error=f"{type(exc).__name__}: {exc}").to_dict()
    return {"file": path, **record}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exit 2 only when the arguments are wrong."""
    ap = argparse.ArgumentParser(prog="python -m shared.parsing", description=__doc__)
    ap.add_argument("files", nargs="+", metavar="FILE", help=".eml files to parse")
    ap.add_argument("--tz", default=DEFAULT_TZ, help="time zone of forwarded blocks' dates")
    args = ap.parse_args(argv)
    out = sys.stdout
    for path in args.files:
        out.write(json.dumps(parse_file(path, args.tz), ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
