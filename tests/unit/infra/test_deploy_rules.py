"""The deploy rules pass on the Terraform and each one bites on a mutated copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.deploy_check import data_rules as data
from infra.deploy_check import deploy_rules as rules
from infra.deploy_check import limit_rules as limits
from infra.deploy_check.alert_rules import alert_problems
from infra.deploy_check.mutations import MUTATIONS, Mutation, caught, mutated
from infra.deploy_check.terraform import load
from shared.invokers import INVOKERS, Invoker


def test_the_terraform_breaks_no_deploy_rule() -> None:
    tf = load()
    assert rules.all_deploy_problems(tf) + limits.all_limit_problems(tf) == []
    assert data.all_data_problems(tf) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_rule_catches_its_mistake_on_a_mutated_copy(mutation: Mutation) -> None:
    assert caught(mutation), f"{mutation.rule.__name__} missed: {mutation.name}"


def test_every_rule_has_a_mutation() -> None:
    covered = {m.rule for m in MUTATIONS}
    assert covered == {
        rules.subscription_lifetime_problems,
        rules.endpoint_problems,
        rules.secret_order_problems,
        rules.api_problems,
        rules.invoker_problems,
        alert_problems,
        limits.alert_wait_problems,
        limits.ingress_url_problems,
        limits.ttl_index_problems,
        limits.memory_problems,
        data.database_problems,
        data.backup_problems,
    }


def test_a_secret_created_in_terraform_passes_with_a_version_the_functions_wait_for(
    tmp_path: Path,
) -> None:
    """The other valid design (secret value in a variable) is accepted, not just ours."""
    ref = "data.google_secret_manager_secret.oauth_client"
    edits = (
        (
            "main.tf",
            'data "google_secret_manager_secret"',
            'resource "google_secret_manager_secret"',
        ),
        ("main.tf", ref, ref.removeprefix("data.")),
        ("iam.tf", ref, ref.removeprefix("data.")),
        (
            "main.tf",
            "    google_project_iam_member.build,\n",
            "    google_project_iam_member.build,\n"
            "    google_secret_manager_secret_version.oauth_client,\n",
        ),
    )
    folder = mutated(Mutation("variable secret", rules.secret_order_problems, edits), tmp_path)
    (folder / "secret.tf").write_text(
        'resource "google_secret_manager_secret_version" "oauth_client" {\n'
        "  secret      = google_secret_manager_secret.oauth_client.id\n"
        "  secret_data = var.oauth_client_secret\n}\n"
    )
    assert rules.secret_order_problems(load(folder)) == []
    (folder / "secret.tf").unlink()
    assert rules.secret_order_problems(load(folder))


def test_public_functions_never_trust_signature_removed_tokens() -> None:
    """The invoker table and the code agree: only IAM-protected functions call
    ``verify_behind_iam``; public ones verify signatures."""
    root = Path(__file__).resolve().parents[3]
    behind = {
        "gmail_webhook": root / "shared" / "services" / "mailbox" / "webhook.py",
        "retry_failed": root / "shared" / "http.py",
    }
    for name, path in behind.items():
        assert INVOKERS[name] is not Invoker.PUBLIC
        assert "verify_behind_iam" in path.read_text()
    for name in ("api", "oauth"):
        assert INVOKERS[name] is Invoker.PUBLIC
        main = (root / "functions" / name / "main.py").read_text()
        assert "verify_behind_iam" not in main and "iam_token" not in main
    user_check = (root / "shared" / "http.py").read_text().split("def verify_user", 1)[1]
    assert "deps.verifier.verify(" in user_check and "behind_iam" not in user_check
