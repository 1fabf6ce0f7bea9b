"""RentMarketplace / Rent.: plain-text inquiries relayed by ``rentmarketplace@leads.rent.com``."""

from __future__ import annotations

import re

from shared.parsing.labels import Labels
from shared.parsing.normalize import fields
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.dates import parse_date
from shared.parsing.normalize.names import name_parts, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, real_email

ALIASES = {
    "first": ("First Name",),
    "last": ("Last Name",),
    "name": ("Name", "Full Name"),
    "email": ("Email", "Email Address"),
    "phone": ("Phone", "Phone Number"),
    "move_in": ("Move-In Date", "Move In Date", "Move Date"),
    "message": ("Message", "Comments"),
}
_ABOUT = re.compile(r"more information about\s+(.+?)\.?\s*$", re.I)
_SUBJECT = re.compile(r"^(.+?)\s+is interested in\s+(.+)$", re.I)
_FOOTER = re.compile(r"^(?:This lead was sent|Rent\.,|Rent\. ,|To unsubscribe)", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    return bool(_SUBJECT.match(mail.subject)) or any(
        _ABOUT.search(ln) or ln.lower().startswith("first name:") for ln in mail.lines
    )


def _parse(mail: LeadMail) -> Lead:
    labels = Labels(mail.lines, ALIASES)
    first, last = name_parts(labels.get("first"), labels.get("last"))
    subject = _SUBJECT.match(mail.subject)
    if not first:
        first, last = split_name(labels.get("name") or (subject.group(1) if subject else None))
    about = next((m.group(1) for ln in mail.lines if (m := _ABOUT.search(ln))), None)
    message = labels.block("message", lambda ln: bool(_FOOTER.match(ln)))
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(labels.get("email")) or real_email(mail.reply_to),
        phone=to_e164(labels.get("phone")),
        property=parse_address(about or (subject.group(2) if subject else None)),
        move_in_date=parse_date(labels.get("move_in"), mail.ref_date),
        message=None if fields.is_unanswered(message) else message,
    )


PARSER = SourceParser(
    name="rentmarketplace",
    domains=("rent.com", "rentmarketplace.com"),
    is_inquiry=_is_inquiry,
    parse=_parse,
)
