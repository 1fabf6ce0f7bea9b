"""Imports go one way: entry glue and the HTTP adapter use the use cases, the use cases use
ports, and the ports name no storage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_use_case_imports_the_http_adapter() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imports(path) if m.startswith("shared.api"))
        for path in (ROOT / "shared" / "services").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_ports_name_no_store_and_no_google_client() -> None:
    imported = _imports(ROOT / "shared" / "ports.py")
    assert not [m for m in imported if m.startswith(("shared.store", "google"))]


def test_the_fakes_need_no_emulator() -> None:
    for path in (ROOT / "tests" / "fakes").glob("*.py"):
        assert not [m for m in _imports(path) if m.startswith("google.cloud")], path.name


def test_use_cases_are_grouped_by_what_they_serve() -> None:
    services = ROOT / "shared" / "services"
    loose = [p.name for p in services.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert {p.name for p in services.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "ingest",
        "mailbox",
        "scheduled",
    }
