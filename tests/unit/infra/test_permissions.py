"""The least-privilege table in docs/deploy.md and the Terraform's grants agree, and the check
fails when either side loses a grant."""

from __future__ import annotations

import copy

from infra.deploy_check.permissions import guide_grants, permission_problems, terraform_grants
from infra.deploy_check.terraform import ROOT, load

GUIDE = (ROOT / "docs" / "deploy.md").read_text()


def test_the_table_and_the_terraform_agree() -> None:
    tf = load()
    granted = terraform_grants(tf)
    assert len(granted) >= 35  # every function: 3; plus secret and publisher grants
    assert ("api", "leadharvestTokenRemover", "gmail-refresh-*") in granted
    assert ("api", "leadharvestTokenWriter", "gmail-refresh-*") in granted
    assert permission_problems(tf, GUIDE) == []


def test_a_grant_removed_from_terraform_is_caught() -> None:
    tf = copy.deepcopy(load())
    tf["locals"]["token_grants"].pop("api_remover")
    assert permission_problems(tf, GUIDE) == [
        "docs/deploy.md lists ('api', 'leadharvestTokenRemover', 'gmail-refresh-*') "
        "but Terraform does not grant it"
    ]
    tf = copy.deepcopy(load())
    tf["locals"]["publishers"].pop("retry_to_batch")
    assert permission_problems(tf, GUIDE) == [
        "docs/deploy.md lists ('retry_failed', 'roles/pubsub.publisher', 'topic email-batches') "
        "but Terraform does not grant it"
    ]


def test_a_grant_missing_from_the_readme_is_caught() -> None:
    row = next(line for line in GUIDE.splitlines() if "delete the token's secret" in line)
    shorter = GUIDE.replace(row + "\n", "")
    assert permission_problems(load(), shorter) == [
        "Terraform grants ('api', 'leadharvestTokenRemover', 'gmail-refresh-*') "
        "but docs/deploy.md does not list it"
    ]
    functions = ["api"]
    assert guide_grants("no table here", functions) == set()
