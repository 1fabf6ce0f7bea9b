"""Faults real Google Cloud produces; each test ends with the invariant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from infra.local.driver import Driver, wait_until
from infra.local.mailgen import stream
from shared.config import load
from tests.e2e.invariant import answered, check, mailbox_docs, sweep_until_settled
from tests.helpers import corpus_files

LABEL = "Processed lead"


NO_FAULTS = {
    "rate_429": 0,
    "rate_500": 0,
    "slow_rate": 0,
    "slow_ms": 0,
    "drop_notifications": 0,
    "fail_methods": [],
    "fail_ids": [],
}


@pytest.fixture(autouse=True)
def no_faults(driver: Driver) -> Iterator[None]:
    driver.faults(**NO_FAULTS)
    yield
    driver.faults(**NO_FAULTS)


def _connected(d: Driver, mailbox: str, backfill: int, seed: int) -> set[str]:
    d.create_mailbox(mailbox, LABEL)
    ids = {
        d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(backfill, seed, mailbox)
    }
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    # the backfill sync has ended: mail delivered from now on comes in push batches
    assert wait_until(lambda: d.account(mailbox).get("last_sync_at") is not None, 60)
    return ids


def _processed(d: Driver, mailbox: str) -> int:
    return len(mailbox_docs(d, "messages", mailbox))


def test_gmail_failing_20_percent_with_slow_replies(driver: Driver) -> None:
    d, mailbox = driver, "faults@example.com"
    d.faults(rate_429=0.1, rate_500=0.1, slow_rate=0.2, slow_ms=300)
    ids = _connected(d, mailbox, 60, 3)
    ids |= {d.deliver(mailbox, raw, [LABEL]) for raw, _ in stream(20, 4, mailbox)}
    wait_until(lambda: _processed(d, mailbox) >= 70, 120)
    d.faults(rate_429=0, rate_500=0, slow_rate=0)  # so the test ends; retries did the work
    sweep_until_settled(d, mailbox, len(ids))
    check(d, mailbox, ids)
    stats = requests.get(f"{d.fake}/_fake/stats", timeout=5).json()
    assert stats.get("errors.429", 0) > 0 and stats.get("errors.500", 0) > 0


def test_process_killed_mid_batch_and_restarted(driver: Driver) -> None:
    d, mailbox = driver, "killed@example.com"
    ids = _connected(d, mailbox, 250, 5)
    assert wait_until(lambda: _processed(d, mailbox) >= 40, 60, every=0.2)
    refused = answered(d, "process_emails", 503)
    d.fns.kill("process_emails")
    seen = _processed(d, mailbox)
    # deliveries meet the dead instance (Pub/Sub redelivers them) before it comes back
    assert wait_until(lambda: answered(d, "process_emails", 503) > refused, 30, every=0.1)
    d.fns.restart("process_emails")
    assert seen < 250
    assert wait_until(lambda: _processed(d, mailbox) >= 250, 180)
    sweep_until_settled(d, mailbox, len(ids))
    check(d, mailbox, ids)


def test_stale_history_id_forces_a_full_sync(driver: Driver) -> None:
    d, mailbox = driver, "stale@example.com"
    ids = _connected(d, mailbox, 10, 6)
    assert wait_until(lambda: _processed(d, mailbox) >= 10, 60)
    requests.post(f"{d.fake}/_fake/mailboxes/{mailbox}/expire-history", timeout=5)
    ids |= {d.deliver(mailbox, raw, [LABEL]) for raw, _ in stream(5, 7, mailbox)}
    assert wait_until(lambda: _processed(d, mailbox) >= 15, 60)
    check(d, mailbox, ids)


def test_dropped_notifications_are_recovered_by_the_safety_net(driver: Driver) -> None:
    d, mailbox = driver, "dropped@example.com"
    ids = _connected(d, mailbox, 0, 8)
    d.faults(drop_notifications=1.0)
    before = requests.get(f"{d.fake}/_fake/stats", timeout=5).json()
    ids |= {d.deliver(mailbox, raw, [LABEL]) for raw, _ in stream(12, 9, mailbox)}
    after = requests.get(f"{d.fake}/_fake/stats", timeout=5).json()
    # Gmail never told us (each delivery's notification is dropped as it is delivered)
    dropped = after.get("notifications.dropped", 0) - before.get("notifications.dropped", 0)
    assert dropped == 12, (before, after)
    assert after.get("notifications.sent", 0) == before.get("notifications.sent", 0)
    assert _processed(d, mailbox) == 0
    assert d.scheduler("scheduled_tasks").status_code == 200
    assert wait_until(lambda: _processed(d, mailbox) >= 12, 60)
    check(d, mailbox, ids)


def test_revoked_token_mid_batch_parks_work_until_reconnect(driver: Driver) -> None:
    d, mailbox = driver, "revoked@example.com"
    ids = _connected(d, mailbox, 200, 10)
    assert wait_until(lambda: _processed(d, mailbox) >= 25, 60, every=0.2)
    requests.post(f"{d.fake}/_fake/revoke-all", json={"address": mailbox}, timeout=5)
    assert wait_until(lambda: d.account(mailbox).get("state") == "needs_reauth", 60)

    def parked() -> int:
        states = [(r.to_dict() or {}).get("state") for r in mailbox_docs(d, "retries", mailbox)]
        return states.count("parked")

    # every email is either done or parked: the work left waits for the reconnect
    assert wait_until(lambda: _processed(d, mailbox) + parked() == 200, 90)
    assert parked() > 0
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: _processed(d, mailbox) >= 200, 120)
    sweep_until_settled(d, mailbox, len(ids))
    check(d, mailbox, ids)


def test_poison_email_is_retried_then_dead_the_rest_unaffected(driver: Driver) -> None:
    """An email Gmail always fails is tried five times, then dead; an email over the fetch
    bound is read in parts (its text, never whole) and is the lead it holds; the rest are
    unaffected."""
    d, mailbox = driver, "poison@example.com"
    ids = _connected(d, mailbox, 0, 11)
    huge = corpus_files()[3].read_bytes() + b"\n" + b"y" * (load({}).email_max_bytes + 1)
    oversized = d.deliver(mailbox, huge, [LABEL], notify=False)
    poison = d.deliver(mailbox, corpus_files()[2].read_bytes(), [LABEL], notify=False)
    d.faults(fail_ids=[poison])
    ids |= {d.deliver(mailbox, raw, [LABEL]) for raw, _ in stream(8, 12, mailbox)}
    assert wait_until(lambda: _processed(d, mailbox) >= 9, 60)
    sweep_until_settled(d, mailbox, len(ids) + 2, timeout=180)
    d.faults(fail_ids=[])
    [entry] = [
        r.to_dict() or {}
        for r in mailbox_docs(d, "retries", mailbox)
        if (r.to_dict() or {})["message_id"] == poison
    ]
    assert entry["state"] == "dead" and entry["error_class"] == "GmailUnavailableError"
    assert entry["attempts"] == 5
    # over the fetch bound, read in parts (format=full): the lead in its text is a lead
    assert d.records(mailbox, "outcome", "review_reasons")[oversized] == {
        "outcome": "lead",
        "review_reasons": [],
    }
    check(d, mailbox, ids | {oversized}, dead={poison})
