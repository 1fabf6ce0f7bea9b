"""The local stack as `make demo` runs it: everything in processes, nothing left behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests

from infra.local.driver import wait_until
from infra.local.stack import ROOT, local_stack


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}").exists()
        and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    )


def test_stack_starts_answers_and_stops_every_process(tmp_path: Path) -> None:
    with local_stack(tmp_path) as stack:
        pids = stack.pids()
        assert len(pids) == 3
        assert requests.get(stack.fake_url + "/", timeout=5).text == "Ok"
        fs = stack.env()["FIRESTORE_EMULATOR_HOST"]
        assert requests.get(f"http://{fs}/", timeout=5).status_code == 200
    # stop() waits for each process group; a process that outlived it would show here
    assert wait_until(lambda: not [pid for pid in pids if _alive(pid)], 5, every=0.1)


def test_demo_interrupted_leaves_nothing_running() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.local.demo"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    ports: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        ports += re.findall(r"127\.0\.0\.1:(\d+)", line)
        if "holds" in line:  # the stack is up and the mailbox seeded
            break
    pattern = "|".join(f"(port[= ]|:){p}\\b" for p in ports)

    def running() -> list[str]:
        return subprocess.run(
            ["pgrep", "-f", pattern], capture_output=True, text=True, check=False
        ).stdout.split()

    # emulators (2), fake Google, seven functions, the Cloud Run front, three push relays
    assert len(ports) >= 16 and len(running()) >= 14
    proc.send_signal(signal.SIGINT)
    proc.wait(30)
    assert wait_until(lambda: running() == [], 5, every=0.1)  # the demo's exit waited for them
