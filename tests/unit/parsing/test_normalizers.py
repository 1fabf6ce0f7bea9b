"""Each normaliser on its own: tables of LEADS.md rules plus property-based robustness."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.parsing.normalize import amounts, fields
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.dates import parse_date, parse_forward_date
from shared.parsing.normalize.names import clean_name, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import CreditScore, Income, Property
from shared.parsing.view import real_email


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("(215) 555-0143", "+12155550143"),
        ("215.555.0143", "+12155550143"),
        ("+1 215-555-0143", "+12155550143"),
        ("9999999999", None),
        ("000-000-0000", None),
        ("1234567890", None),
        ("(206) 470-7000", None),
        ("1-800-878-4166", None),
        ("NA", None),
        ("", None),
        (None, None),
        ("12345", None),
    ],
)
def test_phone(raw: str | None, want: str | None) -> None:
    assert to_e164(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Kevin Bennett", ("Kevin", "Bennett")),
        ("Mary Ann de la Cruz", ("Mary Ann de la", "Cruz")),
        ("Omar", ("Omar", None)),
        ("Zoë D'Angelo-Smith", ("Zoë", "D'Angelo-Smith")),
        ("Zillow", (None, None)),
        ("RentMarketplace", (None, None)),
        ("realtor.com", (None, None)),
        ("User 12345", (None, None)),
        ("", (None, None)),
        ("  Ana   Lee ", ("Ana", "Lee")),
    ],
)
def test_names(raw: str, want: tuple[str | None, str | None]) -> None:
    assert split_name(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (
            "3551 N Front St Unit 3, Upper Darby, PA 19082",
            Property(None, "3551 N Front St", "3", "Upper Darby", "PA", "19082"),
        ),
        (
            "407 Walnut St #B04, Camden, NJ, 08103",
            Property(None, "407 Walnut St", "B04", "Camden", "NJ", "08103"),
        ),
        ("2142 Ridge Ave Apt 3C", Property(None, "2142 Ridge Ave", "3C")),
        (
            "9 Main St Apt. 2, Media, PA 19063",
            Property(None, "9 Main St", "2", "Media", "PA", "19063"),
        ),
        (
            "9 Main St, Unit 2, Media, PA 19063",
            Property(None, "9 Main St", "2", "Media", "PA", "19063"),
        ),
        ("7 Vine St Ste 2, Chester, PA", Property(None, "7 Vine St", "2", "Chester", "PA", None)),
        (
            "3310 Baltimore Ave unit 1B, Camden, NJ 08102",
            Property(None, "3310 Baltimore Ave", "1B", "Camden", "NJ", "08102"),
        ),
        ("", Property()),
    ],
)
def test_address(raw: str, want: Property) -> None:
    assert parse_address(raw) == want


@pytest.mark.parametrize(
    ("raw", "ref", "want"),
    [
        ("2026-03-12", None, date(2026, 3, 12)),
        ("03/12/2026", None, date(2026, 3, 12)),
        ("Mar 12, 2026", None, date(2026, 3, 12)),
        ("September 28, 2025", None, date(2025, 9, 28)),
        ("Nov 15", date(2025, 11, 10), date(2025, 11, 15)),
        ("Nov 15", date(2025, 11, 15), date(2025, 11, 15)),
        ("November 15th", date(2025, 11, 16), date(2026, 11, 15)),
        ("Feb 29", date(2025, 3, 1), date(2028, 2, 29)),
        ("12/1", date(2025, 12, 2), date(2026, 12, 1)),
        ("12/1", None, None),
        ("Not answered", None, None),
        ("Flexible", None, None),
        ("ASAP", None, None),
        ("NA", None, None),
        ("13/45/2026", None, None),
    ],
)
def test_dates(raw: str, ref: date | None, want: date | None) -> None:
    assert parse_date(raw, ref) == want


def test_forward_dates_read_in_mailbox_zone() -> None:
    gmail = parse_forward_date("Sat, Feb 21, 2026 at 2:13 PM", "America/New_York")
    outlook = parse_forward_date("Saturday, February 21, 2026 2:13 PM", "America/New_York")
    assert gmail == outlook and gmail is not None
    assert gmail.isoformat() == "2026-02-21T14:13:00-05:00"
    assert parse_forward_date("Sat, Jul 4, 2026 at 12:05 AM", "America/New_York").isoformat() == (  # type: ignore[union-attr]
        "2026-07-04T00:05:00-04:00"
    )


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("620 to 659", CreditScore(620, 659)),
        ("700", CreditScore(700, 700)),
        ("720+", CreditScore(720, None)),
        ("Not answered", None),
        (None, None),
    ],
)
def test_credit(raw: str | None, want: CreditScore | None) -> None:
    assert amounts.credit_range(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("$97,599/yr", Income(97599, "annual")),
        ("$92,229 per year", Income(92229, "annual")),
        ("$102,044 annually", Income(102044, "annual")),
        ("$6,057 per month", Income(6057, "monthly")),
        ("$2,762 monthly", Income(2762, "monthly")),
        ("$9,504/mo", Income(9504, "monthly")),
        ("$88003", Income(88003, "unknown")),
        ("$3,000", Income(3000, "unknown")),
        ("&#x24;4,500/mo", Income(4500, "monthly")),
        ("Not answered", None),
    ],
)
def test_income_period_only_from_words(raw: str, want: Income | None) -> None:
    assert amounts.income(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Yes", "yes"),
        ("Yes - 1 dog", "yes"),
        ("1 cat", "yes"),
        ("No", "no"),
        ("None", "no"),
        ("0", "no"),
        ("Not answered", "unknown"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_pets(raw: str | None, want: str) -> None:
    assert fields.pets(raw) == want


def test_counts_and_lease() -> None:
    assert fields.count("Studio", studio_is_zero=True) == 0
    assert fields.count("Not answered") is None and fields.count(None) is None
    assert fields.count("3") == 3
    assert fields.lease_months("12 months") == 12 and fields.lease_months("1 year") == 12
    assert fields.lease_months("18 months") == 18 and fields.lease_months("NA") is None


def test_real_email_rejects_relays() -> None:
    assert real_email("abc@convo.zillow.com") is None
    assert real_email("rentmarketplace@leads.rent.com") is None
    assert real_email("Renter <Ana@Example.org>") == "ana@example.org"
    assert clean_name("Zillow Rentals") is None


@given(st.text(max_size=200))
def test_normalisers_never_raise(text: str) -> None:
    phone = to_e164(text)
    assert phone is None or (phone.startswith("+") and phone[1:].isdigit())
    parse_address(text)
    parse_date(text, date(2026, 1, 1))
    parse_forward_date(text, "America/New_York")
    amounts.credit_range(text)
    amounts.income(text)
    fields.pets(text)
    fields.count(text, studio_is_zero=True)
    fields.lease_months(text)
    split_name(text)


@given(st.from_regex(r"\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]?\d{4}", fullmatch=True))
def test_phones_are_e164_or_null(text: str) -> None:
    phone = to_e164(text)
    assert phone is None or (phone.startswith("+1") and len(phone) == 12)
