"""On the emulators: a renter whose lead already counts 20,000 inquiries open for review
(the newest 20 kept) gets a 20,001st; it is stored, counted, and the lead stays small."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from shared.clock import utcnow
from shared.parsing.record import Lead
from shared.records import BatchEmail
from shared.store import reviews
from tests.integration.pipeline.conftest import USER, Pipeline


def _flagged(n: int) -> Lead:
    return Lead(
        is_lead=True,
        source="zillow",
        first_name="Ines",
        last_name="Okafor",
        phone="+12155550177",
        inquiry_at=utcnow() - timedelta(minutes=n),
        needs_review=True,
        review_reasons=["partial"],
    )


def test_the_20001st_inquiry_needing_review_is_stored(pipeline: Pipeline) -> None:
    p = pipeline
    first = p.deps.leads.store(BatchEmail(p.mailbox, "g0", "b1", USER), _flagged(0), b"", utcnow())
    assert first.lead_id is not None
    lead = p.deps.db.collection("leads").document(first.lead_id)
    shown = {f"{p.mailbox}:h{i}": {"r": ["partial"], "t": i} for i in range(reviews.SHOWN)}
    lead.update(reviews.state(shown, 20_000))  # as after 20,000 such inquiries
    stored = p.deps.leads.store(BatchEmail(p.mailbox, "g1", "b1", USER), _flagged(1), b"", utcnow())
    assert (stored.outcome, stored.lead_id) == ("merged", first.lead_id)
    data = lead.get().to_dict() or {}
    assert data["review_open_count"] == 20_001 and len(data["review_open"]) == reviews.SHOWN
    assert len(msgspec.json.encode(data, enc_hook=str)) < 64 * 1024
