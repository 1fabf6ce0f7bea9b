"""Bundles are self-contained: each function's main imports with only its bundle on the path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infra.bundle import bundle


def test_each_bundle_holds_main_shared_requirements_and_imports_alone(tmp_path: Path) -> None:
    folders = bundle(tmp_path)
    assert {f.name for f in folders} == {
        "api",
        "oauth",
        "gmail_webhook",
        "sync_mailbox",
        "process_emails",
        "process_live",
        "retry_failed",
        "scheduled_tasks",
    }
    for folder in folders:
        assert (folder / "main.py").is_file() and (folder / "requirements.txt").is_file()
        assert (folder / "shared" / "parsing" / "sources" / "zillow.py").is_file()
        assert not list(folder.rglob("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import main, sys; assert 'functions' not in sys.modules; print(main.__name__)"
    for folder in folders:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-500:]
