"""Field accuracy by the scorer this project is measured with (its copy in tests/tools)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.golden import golden_files

ROOT = Path(__file__).resolve().parents[3]
SCORER = ROOT / "tests" / "tools" / "score.py"


def test_dev_corpus_scores_at_least_099(tmp_path: Path) -> None:
    dev, out = tmp_path / "dev", tmp_path / "results.jsonl"
    dev.mkdir()
    for eml in golden_files("dev"):  # the scorer reads one folder; the corpus spans sources
        for path in (eml, eml.with_suffix(".json")):
            (dev / path.name).symlink_to(path)
    files = sorted(str(p) for p in dev.glob("*.eml"))
    with out.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "shared.parsing", *files], cwd=ROOT, stdout=handle, check=True
        )
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(dev), str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    print(proc.stdout.splitlines()[-1])
    assert summary["classification_correct"] == summary["emails"]
    assert summary["overall_field_accuracy"] >= 0.99
