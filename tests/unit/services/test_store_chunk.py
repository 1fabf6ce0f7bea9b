"""Grouping a chunk's emails by renter, and the pipeline's parse guard."""

from __future__ import annotations

import pytest

from shared.parsing.record import Lead
from shared.services.ingest.store_chunk import parse, renter_groups
from tests.fakes.deps import settings


def lead(phone: str | None = None, email: str | None = None, is_lead: bool = True) -> Lead:
    return Lead(is_lead=is_lead, phone=phone, email=email)


def test_emails_sharing_a_key_are_one_group_in_order() -> None:
    leads = {
        "a": lead("+12155550101", "x@example.com"),
        "b": lead(None, "y@example.com"),
        "c": lead("+12155550101", None),  # same phone as a
        "d": lead("+12155550199", "y@example.com"),  # same email as b
        "e": lead(None, None),
        "f": lead(is_lead=False),
        "g": lead("+12155550199", "x@example.com"),  # joins the a/c and b/d groups
    }
    groups = renter_groups(leads)
    assert len(groups) == 3  # the five linked emails, the keyless lead, the non-lead
    merged = next(g for g in groups if "a" in g)
    assert set(merged) == {"a", "b", "c", "d", "g"}
    assert merged.index("a") < merged.index("c") and merged.index("b") < merged.index("d")
    assert sum(len(g) for g in groups) == len(leads)


def test_mail_over_the_size_setting_is_unrecognised_unread() -> None:
    small = settings(EMAIL_MAX_BYTES="1000")
    lead = parse(b"Subject: hi\r\n\r\n" + b"x" * 1_000, small)
    assert (lead.is_lead, lead.needs_review, lead.review_reasons) == (False, True, ["unrecognised"])
    assert lead.limits_hit == ("email_bytes",)
    assert parse(b"Subject: hi\r\n\r\nhello", small).limits_hit == ()


def test_a_parser_fault_is_unrecognised_never_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("shared.parsing.parse._view", broken)
    lead = parse(b"Subject: hi\r\n\r\nhello", settings())
    assert (lead.is_lead, lead.review_reasons, lead.limits_hit) == (
        False,
        ["unrecognised"],
        ("parser",),
    )
    assert lead.error == "the parser could not read it: RecursionError"
