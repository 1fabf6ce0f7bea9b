"""The lead summary kept on the lead (its inquiries are the emails' records) and how
Firestore errors map onto the error tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.api_core import exceptions as gexc

from shared.errors import ConfigError, RetryableError, StoreRejectedError
from shared.parsing.record import Lead
from shared.store.errors import store_errors
from shared.store.lead_records import MAX_MESSAGE_CHARS, inquiry_of, merged_lead
from shared.types import JsonObject

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _lead(at: datetime, review: bool = False, source: str = "zillow") -> Lead:
    reasons = ["doubtful"] if review else []
    return Lead(
        is_lead=True,
        source=source,  # type: ignore[arg-type]
        first_name="Ines",
        phone="+12155550100",
        inquiry_at=at,
        message="Hello",
        needs_review=review,
        review_reasons=reasons,  # type: ignore[arg-type]
    )


def _add(
    lead: JsonObject, parsed: Lead, gmail_id: str, new: bool = True, **review: bool
) -> JsonObject:
    inquiry = inquiry_of(parsed, "box@example.com", gmail_id)
    keys = ["phone:+12155550100"]
    return merged_lead(lead, parsed, inquiry, keys, T0, new_inquiry=new, **review)


def test_the_summary_counts_keeps_the_newest_and_tracks_open_reviews() -> None:
    lead = _add({}, _lead(T0 + timedelta(days=2), review=True), "g2")
    lead = _add(lead, _lead(T0, source="realtor"), "g1")  # older: not the newest
    assert lead["inquiry_count"] == 2 and lead["last_inquiry"]["message_id"] == "g2"
    assert lead["source"] == "zillow" and lead["sources"] == ["realtor", "zillow"]
    assert lead["needs_review"] and lead["review_reasons"] == ["doubtful"]
    fine = _lead(T0 + timedelta(days=2))
    again = _add(lead, fine, "g2", new=False, was_open=True)  # re-parsed: fine now
    assert again["inquiry_count"] == 2 and not again["needs_review"]
    assert "inquiries" not in _add({"inquiries": [{}], "inquiry_count": 1}, _lead(T0), "g3")


def test_an_inquiry_message_is_bounded() -> None:
    parsed = _lead(T0)
    parsed.message = "a" * (MAX_MESSAGE_CHARS * 3)
    inquiry = inquiry_of(parsed, "box@example.com", "g1")
    assert len(inquiry["message"]) == MAX_MESSAGE_CHARS and inquiry["message_truncated"]


@pytest.mark.parametrize(
    ("sdk_error", "ours"),
    [
        (gexc.InvalidArgument("maximum entity size is 1048576 bytes"), StoreRejectedError),
        (gexc.PermissionDenied("Missing or insufficient permissions."), ConfigError),
        (gexc.ServiceUnavailable("try again"), RetryableError),
        (OverflowError("date value out of range"), StoreRejectedError),
        (TypeError("Cannot convert to a Firestore Value"), StoreRejectedError),
        (ValueError("Value out of range: 1180591620717411303424"), StoreRejectedError),
    ],
)
def test_firestore_errors_map_onto_the_tree(sdk_error: Exception, ours: type) -> None:
    with pytest.raises(ours) as caught, store_errors("write"):
        raise sdk_error
    assert caught.value.__cause__ is sdk_error
