"""Zero loss on the local stack: mail no sync saw is found by the audit, and big leads (a
1.2 MB email, a renter with 600 inquiries) are stored without hurting their chunks."""

from __future__ import annotations

import random
from typing import Any

import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER
from infra.local.mailgen import Renter, lead_email, stream
from tests.e2e.generated import served
from tests.e2e.invariant import answered, check, mailbox_docs

LABEL = "Processed lead"


def _status(d: Driver, mailbox: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {d.mint('fake-client', DEMO_USER)}"}
    url = f"{d.fns.url('api')}/gmail/status"
    hooks = {"response": served(d.fns.url("api")).check_requests}
    answer = requests.get(
        url, params={"mailbox": mailbox}, headers=headers, timeout=30, hooks=hooks
    )
    return dict(answer.json())


def _processed(d: Driver, mailbox: str) -> int:
    return len(mailbox_docs(d, "messages", mailbox))


def test_silent_loss_is_found_by_the_audit(driver: Driver) -> None:
    d, mailbox = driver, "silent@example.com"
    d.create_mailbox(mailbox, LABEL)
    ids = {d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(10, 81, mailbox)}
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: _processed(d, mailbox) == 10, 60)
    lost = {d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(6, 82, mailbox)}
    requests.post(f"{d.fake}/_fake/mailboxes/{mailbox}/wipe-history", timeout=10)
    syncs, batches = answered(d, "sync_mailbox"), len(mailbox_docs(d, "batches", mailbox))
    assert d.scheduler("scheduled_tasks", "sync").status_code == 200  # the safety net sees nothing
    assert wait_until(lambda: answered(d, "sync_mailbox") > syncs, 30)  # it ran, and queued
    assert len(mailbox_docs(d, "batches", mailbox)) == batches  # no batch: nothing to process
    assert _processed(d, mailbox) == 10
    assert d.scheduler("scheduled_tasks", "audit").json()["audits"] >= 1
    assert wait_until(lambda: (d.account(mailbox).get("audit") or {}).get("missing") == 6, 60)
    status = _status(d, mailbox)
    assert status["audit"]["missing"] == 6 and "audit_missing" in status["reasons"]
    assert wait_until(lambda: _processed(d, mailbox) == 16, 60)  # queued by the audit
    at = d.account(mailbox)["audit"]["at"]
    d.scheduler("scheduled_tasks", "audit")
    assert wait_until(lambda: d.account(mailbox)["audit"]["at"] != at, 60)
    assert d.account(mailbox)["audit"]["missing"] == 0
    status = _status(d, mailbox)
    assert (status["health"], status["reasons"], status["audit"]["recorded"]) == ("ok", [], 16)
    check(d, mailbox, ids | lost)


def test_a_12_mb_email_and_a_renter_with_600_inquiries(driver: Driver) -> None:
    d, mailbox = driver, "bigleads@example.com"
    d.create_mailbox(mailbox, LABEL)
    rng = random.Random(600)
    renter = Renter("Noor", "Vance", "2155550142", "noor.vance@example.org")
    many = [
        lead_email(rng.choice(("realtor", "apartments")), renter, rng, mailbox) for _ in range(600)
    ]
    big = lead_email("realtor", renter, rng, mailbox, attachment=rng.randbytes(1_200_000))
    others = [raw for raw, _ in stream(20, 83, mailbox)]
    ids = {d.deliver(mailbox, raw, [LABEL], notify=False) for raw in [*many, big, *others]}
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: _processed(d, mailbox) == 621, 600, every=2.0)
    check(d, mailbox, ids)
    outcomes = d.outcomes(mailbox)
    assert outcomes["lead"] + outcomes["merged"] == 621 and outcomes["failed"] == 0
    [lead] = [x for x in d.leads() if x.get("phone") == "+12155550142"]
    assert lead["inquiry_count"] == 601  # the 600 and the big one: one renter
