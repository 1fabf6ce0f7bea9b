"""Terraform consistency: formatted, complete for the code, and the checks really bite."""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from infra.deploy_check.code_rules import all_problems, doc_problems, secret_problems
from infra.deploy_check.terraform import ROOT, TF, load


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
        ("function", lambda tf: tf["locals"]["functions_http"].remove("renew_watch")),
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
