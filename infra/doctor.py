"""``make doctor``: every prerequisite the project's commands need, checked before they run,
each missing one named with how to install it (exit 1 when a required one is missing).

Required for ``make test`` and ``make demo``: Python 3.11+, the Google Cloud CLI with Java
and its Firestore and Pub/Sub emulator components, Node.js (the generated clients). Needed by
the e2e tier only: Chromium and its driver (``make browser`` installs Debian's). Terraform is
needed by ``make deploy-check`` and ``make deploy``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
MIN_NODE = 20


@dataclass(frozen=True)
class Check:
    """One prerequisite: what it is, whether it is there, and how to get it."""

    name: str
    ok: bool
    fix: str
    required: bool = True


def _sdk_root() -> Path | None:
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        return None
    out = subprocess.run(  # noqa: S603 - a fixed command, no user input
        [gcloud, "info", "--format=value(installation.sdk_root)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    root = out.stdout.strip()
    return Path(root) if out.returncode == 0 and root else None


def _node_major() -> int:
    node = shutil.which("node")
    if node is None:
        return 0
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return int(out.stdout.strip().lstrip("v").split(".")[0] or 0) if out.returncode == 0 else 0


def checks(python: tuple[int, int] = sys.version_info[:2]) -> list[Check]:
    """Every prerequisite, checked."""
    sdk = _sdk_root()
    platform = sdk / "platform" if sdk else Path("/nonexistent")
    component = "gcloud components install {0} (or apt-get install google-cloud-cli-{0})"
    version = ".".join(map(str, MIN_PYTHON))
    return [
        Check(f"Python {version}+", python >= MIN_PYTHON, f"install Python {version} (python3.11)"),
        Check(
            "Google Cloud CLI (gcloud)",
            sdk is not None,
            "https://cloud.google.com/sdk/docs/install",
        ),
        Check(
            "Java (for the emulators)",
            shutil.which("java") is not None,
            "apt-get install default-jre-headless",
        ),
        Check(
            "Firestore emulator",
            (platform / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar").exists(),
            component.format("cloud-firestore-emulator"),
        ),
        Check(
            "Pub/Sub emulator",
            any((platform / "pubsub-emulator" / "lib").glob("cloud-pubsub-emulator-*.jar")),
            component.format("pubsub-emulator"),
        ),
        Check(
            f"Node.js {MIN_NODE}+ (generated clients)",
            _node_major() >= MIN_NODE,
            "https://nodejs.org",
        ),
        Check(
            "Chromium and chromedriver (e2e)",
            bool(shutil.which("chromium") and shutil.which("chromedriver")),
            "make browser (Debian's chromium and chromium-driver)",
            required=False,
        ),
        Check(
            "Terraform (deploy-check)",
            shutil.which("terraform") is not None,
            "https://developer.hashicorp.com/terraform/install",
            required=False,
        ),
    ]


def main() -> int:
    """Print each check; 1 when a required prerequisite is missing."""
    missing = 0
    for check in checks():
        mark = "ok  " if check.ok else ("MISSING" if check.required else "absent (optional)")
        print(f"{mark:<18} {check.name}" + ("" if check.ok else f"  ->  {check.fix}"))
        missing += int(check.required and not check.ok)
    if missing:
        print(f"{missing} required prerequisite(s) missing", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
