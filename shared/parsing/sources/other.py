"""A renter's inquiry that no site parser claims: ``source: other``, always for review.

An email reads as one when a person (not a robot sender) writes about a rental (rental
words), names a listing (a street address) and asks about it. A friend's note, a bill, a
bounce or a relay's spam lacks one of the three and stays a non-lead.
"""

from __future__ import annotations

import re

from shared.parsing.labels import trim_block
from shared.parsing.normalize.address import STREET_SUFFIXES, split_unit
from shared.parsing.normalize.dates import parse_date
from shared.parsing.normalize.names import clean_name, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead, Property
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, real_email

_ROBOT = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|billing|notifications?|updates?|"
    r"news(?:letter)?|alerts?|support|info|marketing|receipts?|bounces?|wordpress|forms?|"
    r"webmaster|website|service)\b",
    re.I,
)
_STREET = re.compile(
    r"\b(\d{1,6}[A-Za-z]?(?: [NSEW]\.?)?(?: [A-Z0-9][\w'-]{0,25}){1,4} "
    rf"(?:{STREET_SUFFIXES}))\b"
    r"(?:,? (?:Unit|Apt\.?|Apartment|Ste\.?|Suite|#) ?[A-Za-z0-9-]{1,8})?"
)
_RENTAL = re.compile(
    r"\b(?:apartments?|apt|units?|for rent|rental|rent|lease|\d ?(?:br|bd|beds?|bedrooms?)|"
    r"studio|listing|showing|sublet)\b",
    re.I,
)
_ASK = re.compile(r"\b(?:available|see it|showing|tour|interested|viewing|visit|apply)\b|\?", re.I)
_SELF = re.compile(
    r"\b(?:I'm|I am|my name is|this is)\s([A-ZÀ-Þ][\w'’-]{1,30}(?: [A-ZÀ-Þ][\w'’-]{1,30}){1,2})"
)
_PHONE = re.compile(r"(?<![\d-])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?![\d-])")
_MOVE = re.compile(
    r"\bmov(?:e|ing) in (?:on |by |around |at the (?:start|beginning) of )?"
    r"([A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
)
_SIGNATURE = re.compile(r"^(?:--|-- |__+|Sent from my .{1,40})$")


def _text(mail: LeadMail) -> list[str]:
    end = next((i for i, ln in enumerate(mail.lines) if _SIGNATURE.match(ln)), len(mail.lines))
    return mail.lines[:end]


_FORM_ROW = re.compile(r"^[A-Z][\w -]{1,30}:\s*\S")


def _is_inquiry(mail: LeadMail) -> bool:
    if not mail.from_addr or _ROBOT.match(mail.from_addr):
        return False
    if sum(bool(_FORM_ROW.match(ln)) for ln in mail.lines[:40]) >= 3:
        return False  # label rows: a form, which the generic reader reads by its labels
    text = " ".join(_text(mail)[:80])
    return bool(_STREET.search(text) and _RENTAL.search(text) and _ASK.search(text))


def _parse(mail: LeadMail) -> Lead:
    lines = _text(mail)
    text = " ".join(lines)
    said = _SELF.search(text)
    shown = clean_name(mail.from_name)
    full = shown if shown and " " in shown else (said.group(1) if said else shown)
    first, last = split_name(full)
    street = _STREET.search(text)
    phone = next((p for m in _PHONE.finditer(text) if (p := to_e164(m.group(0)))), None)
    move = _MOVE.search(text)
    prop = Property()
    if street:
        name, unit = split_unit(street.group(0))
        prop = Property(street=name, unit=unit)
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(mail.from_addr),
        phone=phone,
        property=prop,
        move_in_date=parse_date(move.group(1), mail.ref_date) if move else None,
        message=trim_block(lines),
    )


PARSER = SourceParser(name="other", is_inquiry=_is_inquiry, parse=_parse, templates=("other",))
