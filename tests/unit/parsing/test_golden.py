"""Golden files: every ``tests/fixtures/emails/<source>/*.eml`` against the ``.json`` beside it,
in the folder of the source it expects (the layout: ``tests/golden.py``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from shared.parsing import PARSER_VERSION, parse_email
from shared.parsing.sources import OTHER, REGISTRY
from tests.golden import CORPORA, EMAILS, NOT_A_LEAD, corpus_of, golden_files

CASES = golden_files()
PROPERTY = ["name", "street", "unit", "city", "state", "zip"]
# recipe-scrapers' MANDATORY_TESTS: every key a lead file must pin, each compared exactly
MANDATORY = [
    "is_lead",
    "source",
    "site",
    "intent",
    "tour_times",
    "first_name",
    "last_name",
    "email",
    "reply_to",
    "phone",
    "property",
    "move_in_date",
    "credit_score",
    "income",
    "pets",
    "occupants",
    "bedrooms",
    "lease_months",
    "message",
    "attachments",
    "inquiry_at",
    "needs_review",
    "review_reasons",
    "classified_by",
]
NON_LEAD_MANDATORY = ["is_lead", "needs_review", "review_reasons", "classified_by"]
CONTRACT = [*MANDATORY, "parser_version"]


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _same(key: str, want: Any, got: Any) -> bool:
    if key in ("email", "reply_to") and isinstance(want, str) and isinstance(got, str):
        return want.casefold() == got.casefold()  # addresses fold case
    if key == "income" and isinstance(want, dict) and isinstance(got, dict):
        return bool(want["period"] == got["period"] and abs(want["amount"] - got["amount"]) < 1)
    if key == "inquiry_at":
        sent, wanted = _instant(got), _instant(want)
        if sent is None or wanted is None:
            return sent == wanted
        return sent.tzinfo is not None and abs((sent - wanted).total_seconds()) <= 60
    if key == "review_reasons":
        return bool(sorted(want) == sorted(got))
    return bool(want == got)


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The mandatory keys (``property.*`` one by one) where the record differs from the file,
    and the mandatory keys the file lacks."""
    keys = MANDATORY if expected.get("is_lead") else NON_LEAD_MANDATORY
    wrong = [f"{k} (missing from the file)" for k in keys if k not in expected]
    for key in (k for k in keys if k in expected):
        if key == "property":
            wrong += [
                f"property.{k}"
                for k in PROPERTY
                if expected["property"].get(k, "<missing>") != got["property"][k]
            ]
        elif not _same(key, expected[key], got[key]):
            wrong.append(key)
    return wrong


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text())
    got = parse_email(path.read_bytes()).to_dict()
    assert set(CONTRACT) <= set(got), "every contract key is always present"
    assert got["parser_version"] == PARSER_VERSION
    assert set(got["property"]) == set(PROPERTY)
    assert differences(expected, got) == [], "make golden-update, then review the diff"


def test_a_changed_mandatory_field_fails_the_golden_test() -> None:
    path = next(p for p in CASES if json.loads(p.with_suffix(".json").read_text())["is_lead"])
    expected = json.loads(path.with_suffix(".json").read_text())
    got = parse_email(path.read_bytes()).to_dict()
    for key in MANDATORY:
        changed = {**got, key: "2001-01-01T00:00:00+00:00" if key == "inquiry_at" else "x"}
        if key == "property":
            changed[key] = {**got["property"], "street": "1 Changed Street"}
        assert differences(expected, changed) != [], key
    lacking = {k: v for k, v in expected.items() if k != "tour_times"}
    assert differences(lacking, got) == ["tour_times (missing from the file)"]


def test_corpus_is_present() -> None:
    assert len(CASES) >= 150
    templates = {json.loads(p.with_suffix(".json").read_text()).get("_template") for p in CASES}
    assert len(templates - {None}) >= 16, "a golden test for every template of the catalogue"


def test_each_golden_file_sits_in_the_folder_of_its_source() -> None:
    for path in CASES:
        expected = json.loads(path.with_suffix(".json").read_text())
        folder = expected["source"] if expected["is_lead"] else NOT_A_LEAD
        assert path.parent.name == folder, path.name
        assert corpus_of(path) in CORPORA, path.name
    folders = {p.name for p in EMAILS.iterdir() if p.is_dir()}
    assert folders == {p.name for p in REGISTRY} | {OTHER.name, NOT_A_LEAD}
    assert len({p.name for p in CASES}) == len(CASES), "file names are unique across folders"
