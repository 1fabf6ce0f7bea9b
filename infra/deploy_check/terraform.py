"""The Terraform configuration read with python-hcl2: blocks by kind, quotes removed, and the
references between them (for dependency checks)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "infra" / "terraform"
REFERENCE = re.compile(r"\b(module\.\w+|data\.google_\w+\.\w+|(?:google|time)_\w+\.\w+)")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {
            _clean(k): _clean(v)
            for k, v in value.items()
            if k not in ("__is_block__", "__comments__")
        }
    return value


def load(folder: Path = TF) -> dict[str, Any]:
    """Every top-level block of every .tf file in ``folder`` (not modules), quotes removed."""
    out: dict[str, Any] = {"locals": {}, "resource": {}, "module": {}, "variable": {}, "data": {}}
    for path in sorted(folder.glob("*.tf")):
        with path.open() as handle:
            doc = _clean(hcl2.load(handle))
        for block in doc.get("locals", []):
            out["locals"].update(block)
        for kind in ("resource", "data"):
            for block in doc.get(kind, []):
                for rtype, named in block.items():
                    out[kind].setdefault(rtype, {}).update(named)
        for kind in ("module", "variable"):
            for block in doc.get(kind, []):
                out[kind].update(block)
    out["folder"] = folder
    return out


def function_names(tf: dict[str, Any]) -> list[str]:
    """``local.function_names`` evaluated: the HTTP functions, then the event functions."""
    return [*tf["locals"]["functions_http"], *tf["locals"]["functions_event"]]


def nodes(tf: dict[str, Any]) -> dict[str, Any]:
    """Every resource, data source and module by its Terraform address."""
    out = {f"{t}.{n}": body for t, named in tf["resource"].items() for n, body in named.items()}
    out |= {f"data.{t}.{n}": body for t, named in tf["data"].items() for n, body in named.items()}
    out |= {f"module.{n}": body for n, body in tf["module"].items()}
    return out


def references(body: Any) -> set[str]:
    """Addresses a block refers to (attributes and ``depends_on``), without attribute paths."""
    return set(REFERENCE.findall(json.dumps(body)))


def local_refs(body: Any, tf: dict[str, Any]) -> set[str]:
    """Addresses reached through the locals a block uses (one level of locals is enough
    here: locals referring to locals are expanded until nothing new appears)."""
    seen: set[str] = set()
    todo = set(re.findall(r"\blocal\.(\w+)", json.dumps(body)))
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in tf["locals"]:
            continue
        seen.add(name)
        text = json.dumps(tf["locals"][name])
        found |= set(REFERENCE.findall(text))
        todo |= set(re.findall(r"\blocal\.(\w+)", text))
    return found
