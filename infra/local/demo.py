"""``make demo``: the main job end to end on the local stack.

Every function runs in its own functions-framework process, joined by Pub/Sub emulator
push subscriptions. A fake mailbox holding the dev corpus is connected through the real
OAuth flow, backfilled, then receives 100 new lead emails one at a time as Gmail would
deliver them. Ends with leads by source and ``build/demo-summary.json``; ``KEEP=1`` keeps
the stack running afterwards, as ``make stack`` does.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from google.cloud import pubsub_v1  # type: ignore[attr-defined]

from infra.local.dev_stack import frontend_env, hold
from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.golden import golden_files

MAILBOX = "operator@example.com"
LABEL = "Processed lead"
NEW_EMAILS = 100


_shown: dict[str, int] = {}  # label -> the last fifth printed (not on a terminal)


def progress(label: str, done: int, total: int) -> None:
    """One progress line, redrawn in place on a terminal; elsewhere a line each time the
    work passes another fifth (however far it jumped since the last look)."""
    width = 30
    filled = int(width * done / max(total, 1))
    line = f"{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
    if sys.stdout.isatty():
        print("\r" + line, end="" if done < total else "\n", flush=True)
        return
    fifth = 5 * done // max(total, 1)
    if fifth > _shown.get(label, -1):
        _shown[label] = fifth
        print(line, flush=True)


def watch(label: str, count: Callable[[], int], total: int, timeout: float) -> None:
    """Wait for ``total`` while drawing its progress, ending with the final figure."""
    wait_until(
        lambda: count() >= total,
        timeout,
        every=0.3,
        on_tick=lambda: progress(label, min(count(), total), total),
    )
    progress(label, min(count(), total), total)


def _processed(driver: Driver) -> int:
    return sum(driver.outcomes(MAILBOX).values())


def _redeliver_notification(driver: Driver) -> None:
    """Publish Gmail's notification again (Pub/Sub may deliver it twice)."""
    history = driver.account(MAILBOX).get("history_id", 1)
    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(driver.fns.stack.emulators.project, "gmail-notifications")
    data = json.dumps({"emailAddress": MAILBOX, "historyId": history}).encode()
    publisher.publish(topic, data).result(timeout=30)


def run(driver: Driver) -> dict[str, object]:
    """Connect, backfill, deliver, re-check; returns the summary."""
    started = time.monotonic()
    driver.create_mailbox(MAILBOX, LABEL)
    corpus = golden_files("dev")
    ids = {driver.deliver(MAILBOX, p.read_bytes(), [LABEL], notify=False): p for p in corpus}
    print(f"mailbox {MAILBOX} holds {len(corpus)} corpus emails under '{LABEL}'")
    answer = driver.connect(MAILBOX)
    print(f"OAuth callback answered {answer.status_code} -> {answer.headers.get('Location')}")
    if "gmail=connected" not in answer.headers.get("Location", ""):
        raise SystemExit("connecting the mailbox failed; see build/demo/fn-oauth.log")
    watch("backfill", lambda: _processed(driver), len(corpus), 180)
    for n, (raw, _) in enumerate(stream(NEW_EMAILS, 7, MAILBOX), start=1):
        driver.deliver(MAILBOX, raw, [LABEL])
        time.sleep(0.05)
        progress("delivered", n, NEW_EMAILS)
    total = len(corpus) + NEW_EMAILS
    watch("processed", lambda: _processed(driver), total, 180)
    before = driver.outcomes(MAILBOX)
    driver.scheduler("scheduled_tasks")  # re-registers the watch and re-runs the sync
    _redeliver_notification(driver)
    time.sleep(6)
    after = driver.outcomes(MAILBOX)
    print(
        f"re-sync and redelivered notification added {sum(after.values()) - sum(before.values())} "
        "records"
    )
    return summarise(driver, ids, after, time.monotonic() - started)


def summarise(
    driver: Driver, ids: dict[str, Path], outcomes: Counter[str], wall: float
) -> dict[str, object]:
    """Leads by source, the corpus check and the summary figures."""
    records = driver.records(MAILBOX)
    expected = {
        gid for gid, p in ids.items() if json.loads(p.with_suffix(".json").read_text())["is_lead"]
    }
    became = {gid for gid in expected if records.get(gid, {}).get("outcome") in ("lead", "merged")}
    wrongly = {
        gid
        for gid in ids
        if gid not in expected and records.get(gid, {}).get("outcome") != "not_lead"
    }
    by_source = Counter(r.get("source") for r in records.values() if r.get("outcome") != "not_lead")
    retries = driver.retry_states()
    print(f"\n{'source':<18}{'inquiries':>10}")
    for source, count in sorted(by_source.items()):
        print(f"{source:<18}{count:>10}")
    print(f"leads in Firestore: {len(driver.leads())}")
    print(
        f"corpus lead emails that became leads: {len(became)}/{len(expected)}; "
        f"non-leads classified right: {len(ids) - len(expected) - len(wrongly)}"
        f"/{len(ids) - len(expected)}"
    )
    return {
        "emails": sum(outcomes.values()),
        "leads_created": outcomes.get("lead", 0),
        "inquiries_merged": outcomes.get("merged", 0),
        "not_leads": outcomes.get("not_lead", 0),
        "failed": retries.get("pending", 0) + retries.get("parked", 0),
        "dead": retries.get("dead", 0),
        "wall_seconds": round(wall, 1),
        "corpus_leads": len(expected),
        "corpus_leads_ok": len(became),
    }


def main() -> int:
    """Run the demo; every process it started is stopped when it ends."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with local_stack(ROOT / "build" / "demo") as stack:
        print(f"local stack up in {stack.timings['stack_s']}s {json.dumps(stack.timings)}")
        for name, value in stack.env().items():
            if name.endswith(("_HOST", "_ENDPOINT")):
                print(f"  {name}={value}")
        frontend = frontend_env(os.environ.get("FRONTEND_URL") or "http://localhost:5173/")
        fns = Functions(stack, extra_env=frontend).start()
        print("functions (URL through the local Cloud Run front -> instance):")
        for name in fns.ports:
            print(f"  {name:<15} {fns.url(name)} -> {fns.instance_url(name)}")
        print(f"API for the frontend: {fns.url('api')} (OpenAPI: {fns.url('api')}/openapi.json)")
        summary = run(Driver(fns))
        if os.environ.get("KEEP") not in (None, "", "0"):  # make demo KEEP=1: keep it running
            hold(fns)
    out = ROOT / "build" / "demo-summary.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\n{json.dumps(summary)}\nwritten to {out.relative_to(ROOT)}; stack stopped")
    ok = summary["corpus_leads_ok"] == summary["corpus_leads"] and not summary["failed"]
    return 0 if ok and not summary["dead"] else 1


if __name__ == "__main__":
    sys.exit(main())
