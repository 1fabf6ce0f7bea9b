"""Write the parser's full record beside each golden email, for a reviewed diff.

usage: python -m tests.tools.golden_update [--missing] [NAME ...]

Each ``tests/fixtures/emails/<source>/<name>.json`` is rewritten with every key the parser
returns, in the contract's order, keeping the file's own ``_…`` notes (``_template``,
``_forwarded``); ``--missing`` only adds the keys a file lacks (the values it pins stay).
Review the change with ``git diff tests/fixtures/emails`` before committing it: the golden
file is the truth, so a diff is a behaviour change a person agrees to.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from shared.parsing import parse_email
from tests.golden import golden_files

RECORD_ONLY = ("parser_version", "error", "limits_hit")
"""Keys of the record a golden file never pins: the version moves on every release, and
the other two appear only on mail a bound cut (those files are tested by the hostile set)."""


def record(path: Path) -> dict[str, Any]:
    """The parser's record of one golden email, as its ``.json`` would hold it."""
    got = parse_email(path.read_bytes()).to_dict()
    return {k: v for k, v in got.items() if k not in RECORD_ONLY}


def updated(path: Path, missing_only: bool) -> dict[str, Any]:
    """The ``.json`` of ``path`` with the parser's record written in (see the module doc)."""
    target = path.with_suffix(".json")
    old: dict[str, Any] = json.loads(target.read_text()) if target.exists() else {}
    got = record(path)
    notes = {k: v for k, v in old.items() if k.startswith("_")}
    if missing_only:
        kept = {k: old.get(k, v) for k, v in got.items()}
        if isinstance(old.get("property"), dict):
            kept["property"] = {**got["property"], **old["property"]}
        return {**kept, **notes}
    return {**got, **notes}


def main(argv: list[str] | None = None) -> int:
    """Rewrite the golden ``.json`` files; print how many changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="file names without .eml (default: all)")
    parser.add_argument("--missing", action="store_true", help="only add missing keys")
    args = parser.parse_args(argv)
    paths = [p for p in golden_files() if not args.names or p.stem in args.names]
    changed = 0
    for path in paths:
        target = path.with_suffix(".json")
        text = json.dumps(updated(path, args.missing), indent=2, ensure_ascii=False) + "\n"
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            changed += 1
    print(f"{changed} of {len(paths)} golden files written; review: git diff {path.parent.parent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
