"""The parse CLI's contract, determinism, and that parsing imports no Google client."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.parsing import parse_email
from shared.parsing.__main__ import main
from shared.parsing.sources import OTHER, REGISTRY
from tests.golden import golden

ROOT = Path(__file__).resolve().parents[3]


def test_cli_prints_one_object_per_file_in_order(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    files = [
        str(golden("dev-0004")),
        str(empty),
        str(tmp_path / "missing.eml"),
        str(golden("dev-0008")),
    ]
    assert main(files) == 0
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [ln["file"] for ln in lines] == files
    assert lines[0]["is_lead"] is True and lines[0]["source"] == "zillow"
    assert lines[1] == {**lines[1], "is_lead": False, "error": "empty file"}
    assert lines[2]["is_lead"] is False and "FileNotFoundError" in lines[2]["error"]
    assert lines[3]["is_lead"] is False and "error" not in lines[3]


def test_cli_wrong_arguments_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "shared.parsing"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_parsing_imports_no_google_client() -> None:
    # ``google`` and ``google.cloud`` are namespace packages preloaded by .pth files; what
    # must not load is any client library module beneath them.
    code = (
        "import sys; before=set(sys.modules); import shared.parsing; bad=[m for m in "
        "set(sys.modules)-before if m.startswith(('google','grpc'))]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout


def test_same_bytes_same_record() -> None:
    raw = golden("dev-0012").read_bytes()
    assert parse_email(raw).to_dict() == parse_email(raw).to_dict()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert parse_email(raw).to_dict()["is_lead"] in (True, False)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=4000), st.binary(max_size=40))
def test_truncated_or_corrupted_leads_never_raise(cut: int, noise: bytes) -> None:
    raw = golden("dev-0012").read_bytes()
    parse_email(raw[:cut] + noise + raw[cut + len(noise) :])


def test_the_readme_lists_exactly_the_registered_sources() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    table = readme.split("## Sources read", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert listed == {p.name for p in REGISTRY} | {OTHER.name}


def test_cli_names_unrecognised_mail_and_a_receipt_by_its_shape(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    unknown = tmp_path / "unknown.eml"
    unknown.write_bytes(
        b"From: Ops Desk <desk@example-pm.com>\r\nSubject: Unit 4 keys\r\n\r\n"
        b"The keys for unit 4 are in the lockbox, code 4411.\r\n"
    )
    assert main([str(unknown), str(golden("world-nonlead-avail-rent-payment"))]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["is_lead"], first["needs_review"], first["review_reasons"]) == (
        False,
        True,
        ["unrecognised"],
    )
    assert "non_lead_shape" not in first["classified_by"]
    assert (second["is_lead"], second["needs_review"], second["review_reasons"]) == (
        False,
        False,
        [],
    )
    assert second["classified_by"]["non_lead_shape"] == "payment"
