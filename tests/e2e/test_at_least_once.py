"""Every Pub/Sub message delivered twice, the copies late and out of order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.e2e.invariant import check, mailbox_docs, sweep_until_settled

LABEL = "Processed lead"


@pytest.fixture(scope="module")
def twice() -> Iterator[Driver]:
    with local_stack(ROOT / "build" / "logs" / "e2e-twice") as stack:
        yield Driver(Functions(stack, twice=True).start())


def test_duplicated_and_reordered_delivery_keeps_every_lead_exactly_once(twice: Driver) -> None:
    d, mailbox = twice, "twice@example.com"
    d.create_mailbox(mailbox, LABEL)
    backfill = {d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(60, 1, mailbox)}
    d.connect(mailbox)
    pushed = set()
    for raw, _ in stream(40, 2, mailbox):
        pushed.add(d.deliver(mailbox, raw, [LABEL]))
    expected = backfill | pushed
    assert wait_until(lambda: len(mailbox_docs(d, "messages", mailbox)) >= 100, 120)
    sweep_until_settled(d, mailbox, len(expected))
    check(d, mailbox, expected)
    assert len(d.outcomes(mailbox)) >= 1 and sum(d.outcomes(mailbox).values()) == 100
    relay_logs = list(Path(d.fns.stack.log_dir).glob("relay-*.log"))
    assert len(relay_logs) == 4  # notifications, sync jobs and both lanes of chunks: duplicated
