"""The whole local stack in processes: emulators, the fake Google, and (later) the functions."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from infra.local.emulators import Emulators, free_port, kill_group, spawn, wait_http
from infra.local.fake_google.quota import NEW_PROJECT_UNITS

ROOT = Path(__file__).resolve().parents[2]
GMAIL_LATENCY_MS = 20  # each Gmail request of the fake takes this long (holding its slots)


@dataclass
class LocalStack:
    """Emulators + fake Google as separate processes on loopback ports."""

    log_dir: Path
    emulators: Emulators = field(init=False)
    fake_port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    quota_units: int = NEW_PROJECT_UNITS  # Gmail's per-user units/s: the fake's and the limiter's
    latency_ms: int = GMAIL_LATENCY_MS

    def __post_init__(self) -> None:
        self.emulators = Emulators(log_dir=self.log_dir)

    @property
    def fake_url(self) -> str:
        """Base URL of the fake Google."""
        return f"http://127.0.0.1:{self.fake_port}"

    def env(self) -> dict[str, str]:
        """Settings that point the project's code at this stack (see shared/config.py)."""
        return {
            **self.emulators.env,
            "GMAIL_API_ENDPOINT": self.fake_url + "/",
            "OAUTH_AUTH_URI": f"{self.fake_url}/o/oauth2/auth",
            "OAUTH_TOKEN_URI": f"{self.fake_url}/token",
            "OAUTH_REVOKE_URI": f"{self.fake_url}/revoke",
            "OIDC_ISSUER": self.fake_url,
            "OIDC_CERTS_URL": f"{self.fake_url}/oauth2/v1/certs",
            "OAUTH_CLIENT_ID": "fake-client",
            "OAUTH_CLIENT_SECRET": "fake-secret",
            "LEAD_KEY_SECRET": "local-only-renter-index-key",
            "SECRETS_BACKEND": "secretmanager",
            "SECRET_MANAGER_ENDPOINT": self.fake_url,
            "GMAIL_QUOTA_UNITS": str(self.quota_units),
        }

    def process_env(self) -> dict[str, str]:
        """The environment for a child process of the stack (without the function target
        functions-framework's ``create_app`` leaves in this process's environment)."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("FUNCTION_")}
        return {**inherited, **self.env(), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

    def start(self) -> LocalStack:
        """Start emulators and the fake Google; wait until each answers."""
        t0 = time.monotonic()
        self.emulators.start()
        os.environ.update(self.emulators.env)  # this process talks to them too
        self.timings.update({f"{k}_s": round(v, 2) for k, v in self.emulators.startup_s.items()})
        log = self.log_dir / "fake_google.log"
        proc = spawn(
            [
                *(sys.executable, "-m", "infra.local.fake_google.server"),
                *("--port", str(self.fake_port), "--quota", str(self.quota_units)),
                *("--latency-ms", str(self.latency_ms)),
            ],
            log,
            env=self.process_env(),
        )
        self.procs.append(proc)
        wait_http(self.fake_url + "/", proc, log, timeout=30)
        self.timings["stack_s"] = round(time.monotonic() - t0, 2)
        return self

    def stop(self) -> None:
        """Stop every process the stack started (idempotent)."""
        for proc in reversed(self.procs):
            kill_group(proc)
        self.procs.clear()
        self.emulators.stop()

    def pids(self) -> list[int]:
        """Process ids of everything running (for leak checks)."""
        return [p.pid for p in [*self.procs, *self.emulators.procs] if p.poll() is None]


@contextlib.contextmanager
def local_stack(log_dir: Path, quota_units: int = NEW_PROJECT_UNITS) -> Iterator[LocalStack]:
    """A started stack, always stopped on exit (also on Ctrl-C or an exception)."""
    stack = LocalStack(log_dir=log_dir, quota_units=quota_units)
    try:
        yield stack.start()
    finally:
        stack.stop()
