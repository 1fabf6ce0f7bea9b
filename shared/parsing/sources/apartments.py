"""Apartments.com: label/value rows (``Name``, ``Phone``, ``Beds``, ``Move Date``, …)."""

from __future__ import annotations

import re

from shared.parsing.labels import Labels
from shared.parsing.normalize import fields
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.dates import parse_date
from shared.parsing.normalize.names import split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, real_email

ALIASES = {
    "name": ("Name", "Full Name"),
    "phone": ("Phone", "Phone Number"),
    "email": ("Email", "Email Address"),
    "submitted": ("Lead Submitted",),
    "beds": ("Beds", "Bedrooms"),
    "move_in": ("Move Date", "Move-In Date", "Move In Date"),
    "address": ("Property Address", "Property", "Address"),
    "message": ("Message", "Comments"),
}
_FOOTER = re.compile(r"^(?:Apartments\.com,|Need help\?|New Lead from Apartments\.com)", re.I)
_SUBJECT_NAME = re.compile(r"apartments\.com lead\s*[-–:]\s*(.+)$", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    labels = Labels(mail.lines, ALIASES)
    return "name" in labels.values and ("address" in labels.values or "submitted" in labels.values)


def _parse(mail: LeadMail) -> Lead:
    labels = Labels(mail.lines, ALIASES)
    subject_name = _SUBJECT_NAME.search(mail.subject)
    first, last = split_name(
        labels.get("name") or (subject_name.group(1) if subject_name else None)
    )
    message = labels.block("message", lambda ln: bool(_FOOTER.match(ln)))
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(labels.get("email")),
        phone=to_e164(labels.get("phone")),
        property=parse_address(labels.get("address")),
        move_in_date=parse_date(labels.get("move_in"), mail.ref_date),
        bedrooms=fields.count(labels.get("beds"), studio_is_zero=True),
        message=None if fields.is_unanswered(message) else message,
    )


PARSER = SourceParser(
    name="apartments", domains=("apartments.com",), is_inquiry=_is_inquiry, parse=_parse
)
