"""The invariant every reliability test ends with."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from infra.local.driver import Driver, wait_until
from shared.clock import utcnow
from shared.services.scheduled.retry import IN_FLIGHT
from shared.store.batches import BatchStore

# A retry's backoff before its fifth attempt is at most 4 minutes: below IN_FLIGHT - SLACK.
SLACK = timedelta(minutes=1)


def mailbox_docs(d: Driver, collection: str, mailbox: str) -> list[Any]:
    return list(d.mailbox_query(collection, mailbox).stream())


def answered(d: Driver, function: str, status: int = 200) -> int:
    """How many requests to ``function`` the Cloud Run front answered with ``status`` so far
    (it logs each): 200s are evidence that work was done, so a test that asserts nothing
    happened waits for them instead of sleeping; 503s, deliveries no instance took."""
    log = (d.fns.stack.log_dir / "cloud-run-front.log").read_text()
    mark = f'"function": "{function}", "method": "POST", "status": {status}'
    return log.count(mark)


def sweep_until_settled(d: Driver, mailbox: str, expected: int, timeout: float = 120) -> None:
    """Run the retry sweep (as Cloud Scheduler would, with entries made due) until every
    expected email has a final outcome or is dead."""

    def settled() -> bool:
        retries = [
            r
            for r in mailbox_docs(d, "retries", mailbox)
            if (r.to_dict() or {}).get("state") in ("pending", "parked")
        ]
        for entry in retries:
            # an entry the sweep sent is not due for IN_FLIGHT (10 min): its chunk is running,
            # and making it due again would run the email twice at once
            if (entry.to_dict() or {})["next_attempt_at"] > utcnow() + IN_FLIGHT - SLACK:
                continue
            entry.reference.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
        if retries:
            d.scheduler("retry_failed")
        done = sum(1 for m in mailbox_docs(d, "messages", mailbox))
        dead = sum(
            1
            for r in mailbox_docs(d, "retries", mailbox)
            if (r.to_dict() or {}).get("state") == "dead"
        )
        return not retries and done + dead >= expected and batches_complete(d, mailbox)

    assert wait_until(settled, timeout, every=2.0), "pipeline did not settle"


def batches_complete(d: Driver, mailbox: str) -> bool:
    """Every batch of the mailbox has an outcome for each of its emails (none in flight)."""
    store = BatchStore(d.db())
    for doc in mailbox_docs(d, "batches", mailbox):
        summary = store.summary(doc.id)
        if summary is None or sum(summary.counts.values()) < summary.total:
            return False
    return True


def check(
    d: Driver, mailbox: str, lead_ids: set[str], dead: frozenset[str] | set[str] = frozenset()
) -> None:
    """Every lead email became exactly one inquiry on exactly one lead; batch counts exact;
    nothing failed, parked or dead but ``dead``."""
    assert wait_until(lambda: batches_complete(d, mailbox), 60), "a batch is still in flight"
    records = {
        doc.id.split(":", 1)[1]: doc.to_dict() or {} for doc in mailbox_docs(d, "messages", mailbox)
    }
    missing = lead_ids - dead - set(records)
    assert not missing, f"{len(missing)} lead emails have no record"
    assert all(records[g]["outcome"] in ("lead", "merged") for g in lead_ids - dead)
    # an email's record is its inquiry: it names one lead, which counts it exactly once
    on_lead = Counter(r["lead_id"] for r in records.values() if r["outcome"] in ("lead", "merged"))
    assert None not in on_lead, "a lead email names no lead"
    refs = [d.db().collection("leads").document(i) for i in on_lead]
    leads = {s.id: s.to_dict() or {} for s in d.db().get_all(refs) if s.exists}
    assert set(leads) == set(on_lead), "a lead email names a lead that does not exist"
    for lead_id, n in on_lead.items():
        lead = leads[lead_id]
        only_here = lead.get("mailboxes") == [mailbox]
        assert lead["inquiry_count"] == n if only_here else lead["inquiry_count"] >= n, lead_id
    states = Counter((r.to_dict() or {}).get("state") for r in mailbox_docs(d, "retries", mailbox))
    assert states.get("pending", 0) == states.get("parked", 0) == 0
    assert states.get("dead", 0) == len(dead)
    batches = BatchStore(d.db())
    for doc in mailbox_docs(d, "batches", mailbox):
        summary = batches.summary(doc.id)
        assert summary is not None
        assert sum(summary.counts.values()) == summary.total, summary
        assert summary.failed == 0 and summary.processed == summary.total, summary
