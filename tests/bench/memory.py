"""``make bench-memory``: the peak memory of one ``process_emails`` process while it holds
16 chunks (4 mailboxes x a window of 4) of the largest emails the bounds allow, on the local
stack, against the instance's configured memory. Prints the figures and writes
``build/bench-memory.json``; the deploy rule's constants come from here."""

from __future__ import annotations

import base64
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

import requests

from infra.deploy_check.limit_rules import MEMORY_SHARE, UNITS
from infra.deploy_check.terraform import load
from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import Functions
from infra.local.mailgen import Renter, lead_email
from infra.local.stack import ROOT, local_stack
from shared.config import load as load_settings

LABEL = "Processed lead"
MAILBOXES, PER_MAILBOX = 4, 100  # 4 chunks of 25 each: one window per mailbox


def _kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _group(leader: int) -> list[int]:
    """Processes of the function's process group (functions-framework and its workers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader:  # the 5th field: the process group
                out.append(int(entry.name))
    return out


def largest_email(max_bytes: int) -> bytes:
    """A lead email with a pay-stub attachment, just under the fetch bound."""
    who = Renter("Avery", "Quinlan", "(555) 010-4477", "avery.quinlan@example.net")
    rng = random.Random(5)
    small = lead_email("zillow", who, rng, "landlord@example.com")
    pad = (max_bytes - len(small) - 64 * 1024) * 3 // 4 * 76 // 78  # base64 lines: 4/3, CRLF
    return lead_email("zillow", who, rng, "landlord@example.com", attachment=os.urandom(pad))


def main() -> int:
    """Run the measurement and print it."""
    settings = load_settings({})
    raw = largest_email(settings.email_max_bytes)
    assert len(raw) <= settings.email_max_bytes, len(raw)
    tf = load()
    memory = tf["locals"]["runtime"]["process_emails"]["memory"]
    memory_bytes = int(memory[:-2]) * UNITS[memory[-2:]]
    with local_stack(ROOT / "build" / "bench-memory") as stack:
        fns = Functions(stack).start()
        d = Driver(fns)
        leader = fns.procs["process_emails"].pid
        base = max(_kib(p, "VmRSS") for p in _group(leader))
        peak = [base]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max([peak[0], *(_kib(p, "VmRSS") for p in _group(leader))])
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        boxes = [f"memory-{n}@example.com" for n in range(MAILBOXES)]
        for box in boxes:
            d.create_mailbox(box, LABEL)
            body = {"raw": base64.b64encode(raw).decode(), "labels": [LABEL]}
            requests.post(
                f"{d.fake}/_fake/mailboxes/{box}/messages",
                json={**body, "notify": False, "copies": PER_MAILBOX},
                timeout=60,
            ).raise_for_status()
        t0 = time.monotonic()
        for box in boxes:
            d.connect(box)
        total = MAILBOXES * PER_MAILBOX
        ok = wait_until(lambda: sum(len(d.records(b, "outcome")) for b in boxes) >= total, 600)
        seconds = time.monotonic() - t0
        done.set()
        hwm = max(_kib(p, "VmHWM") for p in _group(leader))
    peak_bytes = max(peak[0], hwm) * 1024
    figures = {
        "emails": total,
        "email_bytes": len(raw),
        "chunks_at_once": MAILBOXES * settings.chunk_window,
        "fetch_budget_bytes": settings.fetch_budget_bytes,
        "idle_mib": round(base / 1024, 1),
        "peak_mib": round(peak_bytes / 2**20, 1),
        "instance_memory": memory,
        "peak_share_of_instance": round(peak_bytes / memory_bytes, 3),
        "per_budget_byte": round((peak_bytes - base * 1024) / settings.fetch_budget_bytes, 2),
        "seconds": round(seconds, 1),
        "all_recorded": ok,
    }
    (ROOT / "build" / "bench-memory.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("process_emails memory, 16 chunks of the largest emails allowed:")
    for key, value in figures.items():
        print(f"  {key:<24} {value}")
    return 0 if ok and figures["peak_share_of_instance"] < MEMORY_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
