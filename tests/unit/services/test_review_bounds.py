"""A renter with 20,000 inquiries needing review: the lead stays small, counts them all, and
a person's clearing (and its undo) holds across new mail and re-parses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from shared.parsing.record import Lead
from shared.store import reviews
from shared.store.lead_records import inquiry_of, merged_lead
from shared.types import JsonObject

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KEYS = ["phone:+12155550100"]


def _flagged(n: int) -> Lead:
    return Lead(
        is_lead=True,
        source="zillow",
        first_name="Ines",
        phone="+12155550100",
        inquiry_at=T0 + timedelta(minutes=n),
        needs_review=True,
        review_reasons=["partial", "no_property"],
    )


def _size(lead: JsonObject) -> int:
    return len(msgspec.json.encode(lead, enc_hook=str))


def test_twenty_thousand_open_inquiries_keep_the_lead_small() -> None:
    lead: JsonObject = {}
    for n in range(20_000):
        parsed = _flagged(n)
        inquiry = inquiry_of(parsed, "box@example.com", f"g{n:05d}")
        lead = merged_lead(lead, parsed, inquiry, KEYS, T0 + timedelta(seconds=n), new_inquiry=True)
    assert lead["review_open_count"] == 20_000 and lead["needs_review"] is True
    assert (
        len(lead["review_open"]) == reviews.SHOWN
        and "box@example.com:g19999" in lead["review_open"]
    )
    assert lead["review_reasons"] == ["no_property", "partial"]
    assert _size(lead) < 64 * 1024
    parsed = _flagged(20_000)  # the 20,001st is counted like the others
    inquiry = inquiry_of(parsed, "box@example.com", "g20000")
    lead = merged_lead(lead, parsed, inquiry, KEYS, T0 + timedelta(days=1), new_inquiry=True)
    assert lead["review_open_count"] == 20_001 and _size(lead) < 64 * 1024


def test_a_clearing_holds_across_reparses_and_can_be_undone() -> None:
    lead: JsonObject = {}
    for n in range(3):
        parsed = _flagged(n)
        lead = merged_lead(
            lead, parsed, inquiry_of(parsed, "b@x.org", f"g{n}"), KEYS, T0, new_inquiry=True
        )
    cleared_at = T0 + timedelta(hours=1)
    lead |= reviews.cleared_now(lead, cleared_at)
    assert (lead["needs_review"], lead["review_open_count"], lead["reviewed_count"]) == (
        False,
        0,
        3,
    )
    assert reviews.cleared(lead, T0) and not reviews.cleared(lead, cleared_at + timedelta(1))
    parsed = _flagged(0)  # re-parsed, still doubtful: the person's clearing holds
    again = merged_lead(
        lead,
        parsed,
        inquiry_of(parsed, "b@x.org", "g0"),
        KEYS,
        T0,
        new_inquiry=False,
        was_open=False,
        kept_cleared=True,
    )
    assert again["needs_review"] is False and again["review_open_count"] == 0
    later = _flagged(9)  # new mail after the clearing is open
    lead = merged_lead(again, later, inquiry_of(later, "b@x.org", "g9"), KEYS, T0, new_inquiry=True)
    assert lead["review_open_count"] == 1
    lead |= reviews.reopened(lead)
    assert lead["review_open_count"] == 4 and lead["needs_review"] and lead["reviewed_at"] is None
