"""The worst inputs we can build parse to a record, never an error, with the bound recorded.

Their cost is measured by ``make bench-parse`` (never timed here)."""

from __future__ import annotations

import pytest

from shared.parsing import parse_email
from shared.parsing.html_text import html_to_text
from shared.parsing.limits import MAX_LINES
from shared.parsing.mail import read_mail
from tests.bench.hostile import HOSTILE, VARIANTS, variant


@pytest.mark.parametrize("name", VARIANTS)
def test_hostile_email_gives_a_record_in_every_line_ending(name: str) -> None:
    lead = parse_email(variant(name))
    record = lead.to_dict()
    assert "error" not in record
    assert isinstance(record["is_lead"], bool)
    if lead.is_lead:
        assert lead.needs_review


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("deep_mime", "multiparts"),
        ("many_parts", "parts"),
        ("markup_3mb", "size"),
        ("many_lines", "lines"),
        ("unclosed_param_quote", "header"),
        ("parts_without_type", "parts"),
        ("year_9999", "date"),
        ("bare_cr_param_quote", "header"),
        ("rfc822_nest", "parts"),
    ],
)
@pytest.mark.parametrize("ending", ["crlf", "lf", "cr"])
def test_bound_hit_is_recorded_in_every_line_ending(name: str, bound: str, ending: str) -> None:
    assert bound in parse_email(variant(f"{name}@{ending}")).limits_hit


def test_a_nest_the_email_package_cannot_read_is_unrecognised() -> None:
    lead = parse_email(HOSTILE["rfc822_nest"]())
    assert (lead.is_lead, lead.needs_review, lead.review_reasons) == (False, True, ["unrecognised"])


def test_lines_are_bounded_but_the_start_is_read() -> None:
    body = "Name: Ann Lee\nPhone: 215-555-0143\n" + "x\n" * (MAX_LINES * 2)
    raw = (
        "From: leads@apartments.com\nSubject: New Lead: 12 Oak St - Apartments.com\n"
        "Content-Type: text/plain\n\nLead Submitted: 03/01/2026\n" + body
    ).encode()
    lead = parse_email(raw)
    assert lead.is_lead and lead.first_name == "Ann" and lead.phone == "+12155550143"
    assert "lines" in lead.limits_hit and "doubtful" in lead.review_reasons


def test_deep_block_nesting_keeps_text_and_order() -> None:
    html = "<div>" * 5_000 + "Name<td>Ann</td>" + "</div>" * 5_000 + "<p>after</p>"
    assert html_to_text(html) == "Name\tAnn\nafter"


def test_tables_keep_source_order_without_foster_parenting() -> None:
    html = "<table>stray<tr><td>Phone</td><td>215</td></tr></table>"
    assert html_to_text(html) == "stray\nPhone\t215"


def test_a_date_outside_1990_2100_is_ignored_and_doubtful() -> None:
    lead = parse_email(HOSTILE["year_9999"]())
    assert lead.is_lead and lead.inquiry_at is None
    assert "doubtful" in lead.review_reasons


def test_no_date_outside_1990_2100_is_read_anywhere() -> None:
    lead = parse_email(HOSTILE["forwarded_year_9999"]())
    assert lead.is_lead and lead.first_name == "Ann"
    assert lead.inquiry_at is not None and lead.inquiry_at.year == 2026  # the forward's own
    assert (lead.move_in_date, lead.tour_times) == (None, [])


def test_bidi_and_control_characters_never_reach_a_field() -> None:
    lead = parse_email(HOSTILE["bidi_names"]())
    assert lead.is_lead
    assert (lead.first_name, lead.last_name, lead.phone) == ("Ann", "Lee", "+12155550143")
    assert lead.message is not None and "\u200f" not in lead.message


def test_repeated_root_tags_keep_their_text() -> None:
    assert html_to_text('<html a="1"><body b="2">' * 50 + "Name: Ann") == "Name: Ann"


def test_a_cut_parameter_header_still_reads_its_type() -> None:
    raw = (
        'From: a@b.example\r\nContent-Type: text/plain; charset="utf-8"; x="'
        + "y" * 5_000
        + "\r\n\r\nhello\r\n"
    ).encode()
    mail = read_mail(raw)
    assert mail.text.strip() == "hello" and "header" in mail.limits_hit
