"""Leave the templates out: with every site template switched off, the generic reader alone
still recognises every lead of a family with two or more templates, and reads its name, one
contact and the listing street right in at least 80 % of them (CATALOGUE.md has the table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.parsing import parse_email
from shared.parsing.sources import REGISTRY
from tests.golden import NOT_A_LEAD, golden_files
from tests.tools.perturb import right as read_right

FAMILIES = {p.name for p in REGISTRY if len(p.templates) >= 2}


BY_FAMILY: dict[str, list[Path]] = {f: golden_files(source=f) for f in FAMILIES}  # folder = source


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generic_reader_alone_reads_the_family(family: str) -> None:
    paths = BY_FAMILY[family]
    assert paths, f"fixtures of {family}"
    right = missed = 0
    for path in paths:
        expected = json.loads(path.with_suffix(".json").read_text())
        got = parse_email(path.read_bytes(), templates=False).to_dict()
        assert got["is_lead"], f"{path.name}: a lead of {family} read as a non-lead"
        assert got["source"] == family, path.name
        assert "unknown_template" in got["review_reasons"], path.name
        right += read_right(expected, got)
        missed += not read_right(expected, got)
    share = right / len(paths)
    print(f"{family}: {right}/{len(paths)} = {share:.2f}")
    assert share >= 0.8, f"{family}: name, contact and street right in {share:.0%}"


def test_non_leads_stay_non_leads_without_templates() -> None:
    paths = golden_files("world", NOT_A_LEAD)
    assert len(paths) >= 5
    for path in paths:
        assert not parse_email(path.read_bytes(), templates=False).is_lead, path.name
