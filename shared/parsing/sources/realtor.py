"""realtor.com: ``Lead Information`` as label lines or a ``prospect: {json}`` line."""

from __future__ import annotations

import json
import re
from typing import Any

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
    "name": ("Name", "Full name"),
    "email": ("Email", "E-mail"),
    "phone": ("Phone", "Phone number"),
    "move_in": ("Move-in date", "Move in date", "Move date", "Move-in"),
    "message": ("Message", "Comments"),
    "bedrooms": ("Bedrooms desired",),
}
_SECTION_END = re.compile(
    r"^(?:Property|Listing ID|Respond quickly|realtor\.com,|You have a new lead)\b", re.I
)
_SUBJECT = re.compile(r"new realtor\.com lead\s*[-–:]\s*(.+)$", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    return bool(_SUBJECT.search(mail.subject)) or any(
        ln.lower() == "lead information" or ln.lower().startswith("prospect:") for ln in mail.lines
    )


def _prospect(body: str) -> dict[str, Any] | None:
    start = body.find("prospect:")
    if start < 0:
        return None
    brace = body.find("{", start)
    if brace < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(body[brace:])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _property_line(mail: LeadMail) -> str | None:
    for i, line in enumerate(mail.lines):
        if line.lower().rstrip(":") in ("property", "property address", "listing"):
            return next((ln for ln in mail.lines[i + 1 :] if ln), None)
    return None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _parse(mail: LeadMail) -> Lead:
    prop = parse_address(_property_line(mail))
    data = _prospect(mail.body)
    if data is not None:
        first, last = name_parts(_str(data.get("firstName")), _str(data.get("lastName")))
        if first and not last and " " in first:
            first, last = split_name(first)
        message = _str(data.get("message"))
        return Lead(
            first_name=first,
            last_name=last,
            email=real_email(_str(data.get("email"))),
            phone=to_e164(_str(data.get("phone"))),
            property=prop,
            move_in_date=parse_date(_str(data.get("moveDate")), mail.ref_date),
            occupants=fields.count(_str(data.get("occupants"))),
            bedrooms=fields.count(_str(data.get("bedrooms")), studio_is_zero=True),
            lease_months=fields.lease_months(_str(data.get("leaseTerm"))),
            pets=fields.pets(_str(data.get("pets"))),
            message=message.strip() if message and message.strip() else None,
        )
    labels = Labels(mail.lines, ALIASES)
    subject = _SUBJECT.search(mail.subject)
    first, last = split_name(labels.get("name") or (subject.group(1) if subject else None))
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(labels.get("email")),
        phone=to_e164(labels.get("phone")),
        property=prop,
        move_in_date=parse_date(labels.get("move_in"), mail.ref_date),
        bedrooms=fields.count(labels.get("bedrooms"), studio_is_zero=True),
        message=labels.block("message", lambda ln: bool(_SECTION_END.match(ln))),
    )


PARSER = SourceParser(
    name="realtor", domains=("realtor.com",), is_inquiry=_is_inquiry, parse=_parse
)
