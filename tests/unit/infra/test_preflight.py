"""`make deploy`'s preflight against a stand-in gcloud: it names each missing bootstrap step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infra.deploy_check.terraform import ROOT

GCLOUD = """#!/bin/sh
case "$1 $2" in
  "services list") printf '%s\\n' $ENABLED ;;
  "secrets versions") [ -n "$SECRET_VERSION" ] && echo "$SECRET_VERSION" || exit 1 ;;
esac
"""


def run(tmp_path: Path, enabled: str, version: str) -> subprocess.CompletedProcess[str]:
    gcloud = tmp_path / "gcloud"
    gcloud.write_text(GCLOUD)
    gcloud.chmod(0o755)
    tfvars = tmp_path / "t.tfvars"
    tfvars.write_text('project_id = "new-project"\n')
    env = {
        **os.environ,
        "PATH": f"{tmp_path}:{os.environ['PATH']}",
        "ENABLED": enabled,
        "SECRET_VERSION": version,
    }
    return subprocess.run(
        [sys.executable, "-m", "infra.deploy_check.preflight", str(tfvars)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_new_project_is_told_every_bootstrap_step(tmp_path: Path) -> None:
    proc = run(tmp_path, "", "")
    assert proc.returncode == 1
    for needed in (
        "cloudresourcemanager.googleapis.com",
        "serviceusage.googleapis.com",
        "secretmanager.googleapis.com",
        "gcloud secrets create oauth-client-secret",
    ):
        assert needed in proc.stdout
    assert "5 step(s) missing" in proc.stdout
    assert "gcloud secrets create lead-key-secret" in proc.stdout


def test_a_bootstrapped_project_is_ready(tmp_path: Path) -> None:
    apis = " ".join(
        f"{name}.googleapis.com"
        for name in ("cloudresourcemanager", "serviceusage", "secretmanager")
    )
    proc = run(tmp_path, apis, "projects/1/secrets/oauth-client-secret/versions/1")
    assert proc.returncode == 0, proc.stdout
    assert "ready" in proc.stdout
