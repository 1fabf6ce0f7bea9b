"""Start and stop the official Firestore and Pub/Sub emulators from the Google Cloud CLI.

The jars in the CLI's ``platform/`` folder are launched directly (faster than
``gcloud emulators … start`` and no env.yaml folder), each in its own process group with
a capped JVM heap, and are killed with their whole group on stop, at interpreter exit,
or when the parent dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PROJECT = "leadharvest-local"
DEATHSIG = Path(__file__).with_name("deathsig.py")  # runs a command that dies with us


class EmulatorError(RuntimeError):
    """An emulator is missing or did not come up."""


@cache
def sdk_root() -> Path:
    """The Google Cloud CLI's install root (``CLOUDSDK_ROOT`` overrides the lookup)."""
    if root := os.environ.get("CLOUDSDK_ROOT"):
        return Path(root)
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        raise EmulatorError("gcloud is not on PATH: install the Google Cloud CLI")
    out = subprocess.run(
        [gcloud, "info", "--format=value(installation.sdk_root)"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return Path(out.stdout.strip())


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free TCP port on the loopback interface, never one this process handed out before
    (the kernel may offer the same ephemeral port twice in a row; a stack asks for ~20)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``cmd`` in its own process group, dying with this process, output to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, str(DEATHSIG), *cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )


def kill_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Terminate a process and its group; SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(grace)


def wait_http(
    url: str,
    proc: subprocess.Popen[bytes],
    log: Path,
    timeout: float = 90,
    ok: range = range(200, 201),
) -> None:
    """Poll ``url`` until it answers (200, or any status in ``ok``); fail loudly if the
    process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EmulatorError(f"{url} process exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status in ok:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise EmulatorError(f"{url} did not answer within {timeout:.0f}s")


@dataclass
class Emulators:
    """A running Firestore + Pub/Sub emulator pair on free loopback ports."""

    log_dir: Path
    project: str = PROJECT
    firestore_port: int = field(default_factory=free_port)
    pubsub_port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    startup_s: dict[str, float] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that point the Google client libraries here."""
        return {
            "FIRESTORE_EMULATOR_HOST": f"127.0.0.1:{self.firestore_port}",
            "PUBSUB_EMULATOR_HOST": f"127.0.0.1:{self.pubsub_port}",
            "GOOGLE_CLOUD_PROJECT": self.project,
        }

    def start(self) -> Emulators:
        """Start both emulators in parallel and wait until each answers."""
        platform = sdk_root() / "platform"
        fs_jar = platform / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar"
        ps_jars = sorted((platform / "pubsub-emulator" / "lib").glob("cloud-pubsub-emulator-*.jar"))
        java = shutil.which("java")
        if not fs_jar.exists() or not ps_jars or java is None:
            raise EmulatorError(f"emulator jars or java missing under {platform}")
        atexit.register(self.stop)
        t0 = time.monotonic()
        fs_log, ps_log = self.log_dir / "firestore.log", self.log_dir / "pubsub.log"
        fs = spawn(
            [
                java,
                "-Duser.language=en",
                "-Xmx512m",
                "-cp",
                str(fs_jar),
                "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
                "start",
                "--host=127.0.0.1",
                f"--port={self.firestore_port}",
            ],
            fs_log,
        )
        ps = spawn(
            [
                java,
                "-Xmx384m",
                "-jar",
                str(ps_jars[-1]),
                "--host=127.0.0.1",
                f"--port={self.pubsub_port}",
            ],
            ps_log,
        )
        self.procs += [fs, ps]
        wait_http(f"http://127.0.0.1:{self.firestore_port}/", fs, fs_log)
        self.startup_s["firestore"] = time.monotonic() - t0
        wait_http(f"http://127.0.0.1:{self.pubsub_port}/", ps, ps_log)
        self.startup_s["pubsub"] = time.monotonic() - t0
        return self

    def reset_firestore(self) -> None:
        """Delete every document in the emulator's default database."""
        url = (
            f"http://127.0.0.1:{self.firestore_port}/emulator/v1/projects/"
            f"{self.project}/databases/(default)/documents"
        )
        req = urllib.request.Request(url, method="DELETE")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self) -> None:
        """Stop both emulators (idempotent)."""
        for proc in self.procs:
            kill_group(proc)
        self.procs.clear()


@contextlib.contextmanager
def running(log_dir: Path) -> Iterator[Emulators]:
    """Context manager: a started emulator pair, always stopped on exit."""
    emulators = Emulators(log_dir=log_dir)
    try:
        yield emulators.start()
    finally:
        emulators.stop()
