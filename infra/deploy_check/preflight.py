"""``make deploy``'s first step: the bootstrap a new project needs before Terraform runs.

Checks, with ``gcloud`` against the real project: the bootstrap APIs are enabled
(``local.bootstrap_apis``) and every secret Terraform reads as a data source has an enabled
version. Each failure prints the command that fixes it. Run:
``python -m infra.deploy_check.preflight TFVARS``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import hcl2

from infra.deploy_check.deploy_rules import API_NAME
from infra.deploy_check.terraform import load


def gcloud(*args: str) -> str:
    """Output of a gcloud command ('' when it fails)."""
    exe = shutil.which("gcloud") or "gcloud"
    proc = subprocess.run(  # noqa: S603 - fixed program, arguments from our own Terraform
        [exe, *args], capture_output=True, text=True, check=False, timeout=120
    )
    return proc.stdout.strip() if proc.returncode == 0 else ""


def problems(project: str) -> list[str]:
    """What is missing in ``project``, each with its fix."""
    tf = load()
    out = []
    enabled = set(
        gcloud(
            "services", "list", "--enabled", f"--project={project}", "--format=value(config.name)"
        ).split()
    )
    for api in API_NAME.findall(str(tf["locals"].get("bootstrap_apis", ""))):
        if api not in enabled:
            out.append(f"{api} is not enabled: gcloud services enable {api} --project={project}")
    for body in tf["data"].get("google_secret_manager_secret", {}).values():
        sid = body["secret_id"]
        versions = gcloud(
            "secrets",
            "versions",
            "list",
            sid,
            f"--project={project}",
            "--filter=state:enabled",
            "--limit=1",
            "--format=value(name)",
        )
        if not versions:
            out.append(
                f'secret {sid} has no enabled version: printf %s "$VALUE" | gcloud secrets '
                f"create {sid} --data-file=- --replication-policy=automatic --project={project}"
                f" (or `gcloud secrets versions add {sid} --data-file=-` if it exists)"
            )
    return out


OAUTH_APP_ADVICE = (
    "OAuth app (Google Auth Platform, not checkable from gcloud): choose user type Internal "
    "for a Workspace organisation's own mailboxes, else External published In production. "
    "An External app left in Testing gets refresh tokens that expire after 7 days: every "
    "mailbox would need consent again each week (needs_reauth). gmail.readonly is a restricted "
    "scope: production use by people outside the organisation needs Google's verification "
    "(and a security assessment); until then only the listed test users can consent."
)


def main() -> int:
    """Exit 1 with the fixes when the project is not ready for ``terraform apply``."""
    if shutil.which("gcloud") is None:
        print("gcloud is not on PATH (docs/deploy.md: prerequisites)")
        return 1
    with Path(sys.argv[1]).open() as handle:
        project = str(hcl2.load(handle)["project_id"]).strip('"')
    found = problems(project)
    for problem in found:
        print(f"not ready: {problem}")
    print(f"check by hand: {OAUTH_APP_ADVICE}")
    print(f"preflight for {project}: {'ready' if not found else f'{len(found)} step(s) missing'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
