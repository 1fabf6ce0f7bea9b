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
EXACT = [
    "source",
    "first_name",
    "last_name",
    "email",
    "reply_to",
    "phone",
    "move_in_date",
    "credit_score",
    "pets",
    "occupants",
    "bedrooms",
    "lease_months",
    "message",
]
CONTRACT = [
    *EXACT,
    "property",
    "is_lead",
    "income",
    "inquiry_at",
    "needs_review",
    "review_reasons",
    "parser_version",
]
PROPERTY = ["name", "street", "unit", "city", "state", "zip"]


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text())
    got = parse_email(path.read_bytes()).to_dict()
    assert set(CONTRACT) <= set(got), "every contract key is always present"
    assert got["is_lead"] == expected["is_lead"]
    assert got["parser_version"] == PARSER_VERSION
    if not expected["is_lead"]:
        if "classified_by" in expected:
            assert got["classified_by"].get("non_lead_shape") == expected["classified_by"].get(
                "non_lead_shape"
            ), "the non-lead shape recognised"
        return
    for key in EXACT:
        if key in ("email", "reply_to") and got[key] and expected[key]:
            assert got[key].casefold() == expected[key].casefold(), key  # addresses fold case
        else:
            assert got[key] == expected[key], key
    assert set(got["property"]) == set(PROPERTY)
    for key in PROPERTY:  # files written before `name` existed have no name to compare
        if key in expected["property"]:
            assert got["property"][key] == expected["property"][key], f"property.{key}"
    if "needs_review" in expected:
        assert got["needs_review"] == expected["needs_review"]
        assert set(got["review_reasons"]) == set(expected["review_reasons"])
    else:
        assert got["needs_review"] == bool(got["review_reasons"])
    if expected["income"] is None:
        assert got["income"] is None
    else:
        assert got["income"]["period"] == expected["income"]["period"]
        assert abs(got["income"]["amount"] - expected["income"]["amount"]) < 1
    for key in ("site", "intent", "tour_times"):  # contract keys added later
        if key in expected:
            assert got[key] == expected[key], key
    if "classified_by" in expected:  # the template that read it, or that the evidence did
        assert got["classified_by"].get("template") == expected["classified_by"].get("template")
    sent, want = _instant(got["inquiry_at"]), _instant(expected["inquiry_at"])
    assert sent is not None and sent.tzinfo is not None and want is not None
    assert abs((sent - want).total_seconds()) <= 60


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
