"""The pieces of the inbox that need no store: search keys, the CSV, query decoding, batch
states."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import msgspec
import pytest

from shared.api.decoding import decode_query
from shared.api.export import columns, row
from shared.api.inputs import LeadsQuery
from shared.api.lead_outputs import LeadList, LeadSummary, Property
from shared.batch_figures import BatchSummary
from shared.errors import ValidationError
from shared.store.search_keys import KEYS_MAX, query_words, search_keys, sort_name

LEAD = {
    "first_name": "Zoë",
    "last_name": "Patel-Smith",
    "email": "zoe.p@example.com",
    "phone": "+12155550123",
    "property": {"street": "12 Oak Street"},
}


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("zo", True),
        ("ZOE", True),
        ("Zoë Pat", True),
        ("smith", True),
        ("zoe.p@exa", True),
        ("(215) 555-0123", True),
        ("555-0123", True),  # the number without its area code is a word too
        ("5501", False),  # digits inside a number are not a prefix of it
        ("0123", True),  # the last four digits are a word of their own
        ("oak", True),
        ("zoey", False),
        ("nobody", False),
    ],
)
def test_search_keys_find_a_lead_by_any_word_prefix(q: str, found: bool) -> None:
    keys = set(search_keys(LEAD))
    assert all(w in keys for w in query_words(q)) is found


def test_search_keys_are_bounded_for_the_worst_lead() -> None:
    words = " ".join(f"w{i:05d}x" * 5 for i in range(5_000))
    worst = {**LEAD, "first_name": words, "last_name": words, "email": words * 10}
    keys = search_keys(worst)
    assert len(keys) == KEYS_MAX and all(len(k) <= 24 for k in keys)
    assert len(query_words(words)) <= 8


def test_names_sort_by_last_name_then_first_folded() -> None:
    assert sort_name(LEAD) == "patel-smith zoe zoe.p@example.com"
    assert sort_name({"email": "A@x.org"}) == "a@x.org"


def test_the_csv_names_each_column_as_the_json_listing_and_defuses_formulas() -> None:
    lead = LeadSummary(
        id="L1",
        first_name='=HYPERLINK("http://x")',
        last_name="O'Neil, Jr.",
        email=None,
        phone="+12155550123",
        source="zillow",
        status="new",
        property=Property(
            name=None, street="12 Oak St", unit=None, city=None, state=None, zip=None
        ),
        needs_review=True,
        review_reasons=["partial", "no_name"],
        inquiry_count=2,
        last_inquiry_at=datetime(2026, 11, 1, tzinfo=UTC),
        created_at=None,
        updated_at=None,
    )
    listed = msgspec.to_builtins(LeadList(leads=[lead], next_cursor=None))["leads"][0]
    head = columns()
    assert [c for c in head if "." not in c] == [k for k in listed if k != "property"]
    out = io.StringIO()
    csv.writer(out).writerow(row(lead))
    cells = dict(zip(head, next(csv.reader(io.StringIO(out.getvalue()))), strict=True))
    assert cells["firstName"].startswith("'=") and cells["lastName"] == "O'Neil, Jr."
    assert cells["phone"] == "+12155550123" and cells["needsReview"] == "true"
    assert cells["reviewReasons"] == "partial;no_name" and cells["property.street"] == "12 Oak St"
    assert cells["lastInquiryAt"] == "2026-11-01T00:00:00Z" and cells["email"] == ""


def test_an_unknown_query_parameter_is_refused_like_an_unknown_body_field() -> None:
    with pytest.raises(ValidationError) as err:
        decode_query(LeadsQuery, {"limit": "5", "sotr": "name"})
    assert err.value.details == {"fields": {"sotr": "Object contains unknown field `sotr`"}}
    q = decode_query(LeadsQuery, {"sort": "lastInquiry", "review": "true", "updatedSince": ""})
    assert isinstance(q, LeadsQuery)
    assert (q.sort, q.review, q.updated_since) == ("lastInquiry", True, msgspec.UNSET)
    with pytest.raises(ValidationError):  # a time without its zone is ambiguous
        decode_query(LeadsQuery, {"updatedSince": "2026-11-01T10:00:00"})


def test_a_batch_whose_remaining_emails_wait_for_a_retry_says_so() -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    states = [
        BatchSummary("b", "m@x.org", "o", "manual", 4, t0, counts=counts).status
        for counts in ({"lead": 3, "failed": 1}, {"lead": 2, "failed": 1}, {"lead": 3, "dead": 1})
    ]
    assert states == ["waiting_retry", "running", "completed_with_errors"]
