"""The least-privilege table of docs/deploy.md against the Terraform's grants, both ways."""

from __future__ import annotations

import re

from infra.deploy_check.terraform import ROOT, function_names, load
from shared.types import JsonObject

Grant = tuple[str, str, str]  # function, role, what it is granted on
_ROW = re.compile(r"^\| (.+?) \| .+? \| `([^`]+)` \| (.+?) \|$", re.M)


def guide_grants(guide: str, functions: list[str]) -> set[Grant]:
    """Rows of the "Least privilege" table (docs/deploy.md), one grant per function named."""
    section = guide.split("### Least privilege", 1)[-1].split("\n### ", 1)[0]
    section = section.split("\n## ", 1)[0]
    out: set[Grant] = set()
    for who, role, where in _ROW.findall(section):
        names = functions if who == "every function" else re.findall(r"`(\w+)`", who)
        out |= {(name, role, where.replace("`", "").strip()) for name in names}
    return out


def terraform_grants(tf: JsonObject) -> set[Grant]:
    """What ``iam.tf`` and ``pubsub.tf`` grant each function's account."""
    loc = tf["locals"]
    functions = function_names(tf)
    out: set[Grant] = set()
    project_roles = re.findall(r"roles/[\w.]+", str(loc.get("function_project_roles", "")))
    resources = tf["resource"]
    if "function_roles" in resources.get("google_project_iam_member", {}):
        out |= {(f, role, "project") for f in functions for role in project_roles}
    secrets = {
        n: b["secret_id"] for n, b in tf["data"].get("google_secret_manager_secret", {}).items()
    }
    for grant in resources.get("google_secret_manager_secret_iam_member", {}).values():
        ref = re.search(r"data\.google_secret_manager_secret\.(\w+)", str(grant.get("secret_id")))
        if ref and "local.function_names" in str(grant.get("for_each")):
            secret = str(secrets.get(ref.group(1), ref.group(1)))
            out |= {(f, str(grant["role"]), secret) for f in functions}
    if "token" in resources.get("google_project_iam_member", {}):
        for grant in loc.get("token_grants", {}).values():
            role = (
                "roles/secretmanager.secretAccessor"
                if grant["role"] == "reader"
                else f"leadharvestToken{str(grant['role']).title()}"
            )
            out.add((grant["fn"], role, "gmail-refresh-*" if grant["conditioned"] else "project"))
    if "publishers" in resources.get("google_pubsub_topic_iam_member", {}):
        for grant in loc.get("publishers", {}).values():
            topic = loc["topics"][grant["topic"]]
            out.add((grant["fn"], "roles/pubsub.publisher", f"topic {topic}"))
    return out


def permission_problems(tf: JsonObject, guide: str) -> list[str]:
    """Grants the deploy guide lists that Terraform lacks, and the other way round."""
    documented, granted = guide_grants(guide, function_names(tf)), terraform_grants(tf)
    return [
        f"docs/deploy.md lists {g} but Terraform does not grant it"
        for g in sorted(documented - granted)
    ] + [
        f"Terraform grants {g} but docs/deploy.md does not list it"
        for g in sorted(granted - documented)
    ]


def main_problems() -> list[str]:
    """The check on the repository's own deploy guide and Terraform."""
    return permission_problems(load(), (ROOT / "docs" / "deploy.md").read_text())
