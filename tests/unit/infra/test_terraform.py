"""Terraform consistency: formatted, complete for the code, and the checks really bite."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from typing import Any

import hcl2
import pytest

from infra.deploy_check.code_rules import all_problems, doc_problems, secret_problems
from infra.deploy_check.terraform import ROOT, TF, function_names, load


def test_terraform_fmt_is_clean() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH")
    proc = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(TF)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_terraform_matches_the_code() -> None:
    assert all_problems(load()) == []
    assert secret_problems() == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("function", lambda tf: tf["locals"]["functions_http"].remove("scheduled_tasks")),
        ("event function", lambda tf: tf["locals"]["functions_event"].pop("process_emails")),
        ("topic", lambda tf: tf["locals"]["topics"].pop("batch")),
        ("env var", lambda tf: tf["locals"]["environment"].pop("PUSH_AUDIENCE")),
        ("secret env", lambda tf: tf["locals"]["secret_environment"].clear()),
        ("index", lambda tf: tf["locals"]["indexes"].pop("retries_due")),
        ("ttl", lambda tf: tf["locals"]["ttl_fields"].pop("oauth_states")),
        ("scheduler target", lambda tf: tf["locals"]["schedules"].update(nightly={})),
        (
            "scheduler task",
            lambda tf: tf["locals"]["schedules"]["audit"].update(task="audit-everything"),
        ),
        ("alert", lambda tf: tf["locals"]["log_alerts"].pop("lh_dead_emails")),
        ("log metric", lambda tf: tf["locals"]["log_metrics"].pop("lh_audit_missing")),
        (
            "dead-letter alert",
            lambda tf: tf["resource"]["google_monitoring_alert_policy"].pop("dead_letters"),
        ),
        (
            "dead letters",
            lambda tf: tf["resource"]["google_pubsub_subscription"]["function_push"].pop(
                "dead_letter_policy"
            ),
        ),
        (
            "push OIDC",
            lambda tf: tf["resource"]["google_pubsub_subscription"]["gmail_push"]["push_config"][
                0
            ].pop("oidc_token"),
        ),
    ],
)
def test_checks_fail_when_something_is_removed(where: str, change) -> None:  # type: ignore[no-untyped-def]
    tf = copy.deepcopy(load())
    change(tf)
    assert all_problems(tf), f"removing a {where} went unnoticed"


def test_secret_check_bites(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.tf").write_text('locals {\n  token = "1//0gAbCdEfGhIjKlMnOp"\n}\n')
    assert secret_problems(tmp_path)


def test_every_variable_is_documented_for_a_first_deploy() -> None:
    readme = (ROOT / "docs" / "deploy.md").read_text()
    example = (TF / "terraform.tfvars.example").read_text()
    tf = load()
    assert doc_problems(tf, readme, example) == []
    tf["variable"]["new_knob"] = {"type": "string"}
    assert doc_problems(tf, readme, example) == [
        "variable new_knob is not in docs/deploy.md",
        "required variable new_knob is not in terraform.tfvars.example",
    ]


def _instances(tf: dict[str, Any]) -> set[str]:
    """Every resource and module instance address the configuration's ``for_each`` makes."""
    local = {**tf["locals"]}
    local["function_names"] = function_names(tf)  # a concat() HCL leaves unevaluated
    blocks = {f"{t}.{n}": b for t, named in tf["resource"].items() for n, b in named.items()}
    blocks |= {f"module.{n}": b for n, b in tf["module"].items()}
    out = set()
    for address, body in blocks.items():
        each = str(body.get("for_each", ""))
        if not each:
            continue
        if "setproduct(local.function_names, local.function_project_roles)" in each:
            keys = {
                f"{fn} {r}"
                for fn in local["function_names"]
                for r in local["function_project_roles"]
            }
        elif match := re.fullmatch(r"\$\{(?:toset\()?local\.(\w+)\)?\}", each):
            keys = set(local[match.group(1)])
        else:
            keys = set(re.findall(r'"([^"]+)"', each))  # a literal list
        out |= {f'{address}["{key}"]' for key in keys}
    return out


def _moves() -> list[tuple[str, str]]:
    moves = []
    for path in sorted(TF.glob("*.tf")):
        with path.open() as handle:
            for block in hcl2.load(handle).get("moved", []):
                moves.append((block["from"][2:-1], block["to"][2:-1]))  # without ${ }
    return moves


def test_every_rename_moves_every_instance_of_the_old_name() -> None:
    configured, moves = _instances(load()), _moves()
    assert moves, "moved.tf holds the renames"
    renamed = {
        re.sub(r'.*\["(.+)"\]', r"\1", new)
        for _, new in moves
        if new.startswith("module.function[")
    }
    for old, new in moves:
        assert new in configured, f"{new}: the target of a move is not configured"
        assert old not in configured, f"{old}: moved away but still configured"
    keyed_by_new = {a for a in configured for fn in renamed if re.search(rf'\["{fn}(["_ ])', a)}
    assert keyed_by_new <= {new for _, new in moves}, "an instance of a renamed function"
    assert len(keyed_by_new) >= 8  # the function, its account, roles, secrets, invoker
