#!/usr/bin/env python3
"""The project's copy of the scorer it is measured with (kept equal in behaviour to the
handout's). Score a parser's JSON Lines output against a labelled corpus.

usage: score.py CORPUS_DIR RESULTS.jsonl [--json] [--show N]

RESULTS.jsonl holds one object per .eml, each with "file" (a path whose basename
matches the .eml) and the lead fields of the contract in docs/LEADS.md.
Prints per-field accuracy over lead emails, classification figures, and last a line
'overall field accuracy X.XXX, perfect leads Y/Z, classification A/B'.
The keys property.name, needs_review and review_reasons are scored only on leads whose
expected record has them (corpora written before they existed score as they always did);
review_reasons compares as a set.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

FIELDS = [
    "source",
    "first_name",
    "last_name",
    "email",
    "reply_to",
    "phone",
    "property.street",
    "property.unit",
    "property.city",
    "property.state",
    "property.zip",
    "move_in_date",
    "credit_score",
    "income",
    "pets",
    "occupants",
    "bedrooms",
    "lease_months",
    "message",
    "inquiry_at",
]
# Contract keys added later: scored only where the expected record carries them.
OPTIONAL_FIELDS = ["property.name", "needs_review", "review_reasons"]


def norm(s: object) -> str | None:
    if s is None:
        return None
    s = unicodedata.normalize("NFC", str(s)).casefold()
    s = re.sub(r"\s+", " ", s).strip()
    return s or None


def norm_street(s: object) -> str | None:
    s = norm(s)
    return re.sub(r"[.,]", "", s).strip() if s else None


def norm_unit(s: object) -> str | None:
    s = norm(s)
    if not s:
        return None
    s = (
        re.sub(r"^(#|unit\b|apt\.?|apartment\b|ste\.?|suite\b)\s*", "", s)
        .strip()
        .lstrip("#")
        .strip()
    )
    return s or None


def digits10(s: object) -> str | None:
    if not s:
        return None
    d = re.sub(r"\D", "", str(s))
    return d[-10:] if len(d) >= 10 else d or None


def get(d: Any, path: str) -> Any:
    cur = d
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def has(d: Any, path: str) -> bool:
    cur = d
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False
        cur = cur[part]
    return True


def parse_ts(s: object) -> datetime | None:
    if not s:
        return None
    try:
        return datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    except ValueError:
        return None


def same(field: str, exp: Any, got: Any, forwarded: bool) -> bool:
    if field == "phone":
        return digits10(exp) == digits10(got)
    if field == "property.street":
        return norm_street(exp) == norm_street(got)
    if field == "property.unit":
        return norm_unit(exp) == norm_unit(got)
    if field == "message":
        a, b = norm(exp), norm(got)
        if a is None or b is None:
            return a == b
        a, b = a.strip("\"' "), b.strip("\"' ")
        return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9
    if field == "inquiry_at":
        ta, tb = parse_ts(exp), parse_ts(got)
        if ta is None or tb is None or tb.tzinfo is None:
            return ta is None and tb is None
        return abs(ta - tb) <= (timedelta(hours=24) if forwarded else timedelta(seconds=60))
    if field == "income":
        if exp is None or got is None:
            return exp is None and got is None
        try:
            close = abs(float(exp["amount"]) - float(got.get("amount"))) <= 1
            return bool(close and exp["period"] == got.get("period"))
        except (TypeError, ValueError, AttributeError):
            return False
    if field == "credit_score":
        if exp is None or got is None:
            return exp is None and got is None
        return bool(
            isinstance(got, dict)
            and exp.get("min") == got.get("min")
            and exp.get("max") == got.get("max")
        )
    if field in ("occupants", "bedrooms", "lease_months"):
        return exp == got if (exp is None or got is None) else str(exp) == str(got)
    if field == "pets":
        return bool((got or "unknown") == exp)
    if field == "needs_review":
        return isinstance(got, bool) and got == bool(exp)
    if field == "review_reasons":
        return isinstance(got, list) and set(map(str, got)) == set(exp or [])
    return norm(exp) == norm(got)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("results")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print up to N wrong values per field")
    a = ap.parse_args()
    expected = {p.stem: json.loads(p.read_text()) for p in sorted(Path(a.corpus).glob("*.json"))}
    got = {}
    for raw_line in Path(a.results).read_text().splitlines():
        line = raw_line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("file"):
            got[Path(obj["file"]).stem] = obj
    leads = [k for k, v in expected.items() if v.get("is_lead")]
    cls_ok = sum(
        1
        for k, v in expected.items()
        if bool(got.get(k, {}).get("is_lead")) == bool(v.get("is_lead"))
    )
    missing = [k for k in expected if k not in got]
    per: dict[str, int] = {}
    scored: dict[str, int] = {}
    perfect = 0
    wrong: dict[str, list[tuple[str, Any, Any]]] = {f: [] for f in FIELDS + OPTIONAL_FIELDS}
    for k in leads:
        exp, res = expected[k], got.get(k, {})
        fwd = bool(exp.get("_forwarded"))
        all_ok = bool(res.get("is_lead"))
        for f in FIELDS + [f for f in OPTIONAL_FIELDS if has(exp, f)]:
            ok = bool(res.get("is_lead")) and same(f, get(exp, f), get(res, f), fwd)
            per.setdefault(f, 0)
            per[f] += ok
            scored[f] = scored.get(f, 0) + 1
            all_ok &= ok
            if not ok and len(wrong[f]) < a.show:
                wrong[f].append((k, get(exp, f), get(res, f)))
        perfect += all_ok
    n = len(leads) or 1
    extra = [f for f in OPTIONAL_FIELDS if scored.get(f)]
    denom = {**{f: n for f in FIELDS}, **{f: scored[f] for f in extra}}
    overall = sum(per.values()) / (n * len(FIELDS) + sum(scored[f] for f in extra))
    summary = {
        "emails": len(expected),
        "leads": len(leads),
        "missing_results": len(missing),
        "classification_correct": cls_ok,
        "perfect_leads": perfect,
        "field_accuracy": {f: round(per.get(f, 0) / denom[f], 3) for f in FIELDS + extra},
        "overall_field_accuracy": round(overall, 4),
    }
    if a.json:
        print(json.dumps(summary, indent=2))
    else:
        for f in FIELDS + extra:
            print(f"{f:18s} {per.get(f, 0) / denom[f]:6.3f}")
            for k, e, g in wrong[f]:
                print(f"    {k}: expected {e!r} got {g!r}")
        if missing:
            print(f"missing results for {len(missing)} emails, e.g. {missing[:3]}")
    print(
        f"overall field accuracy {overall:.3f}, perfect leads {perfect}/{len(leads)}, "
        f"classification {cls_ok}/{len(expected)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
