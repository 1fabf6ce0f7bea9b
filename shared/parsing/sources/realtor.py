"""realtor.com family: lead notices (label lines or a ``prospect: {json}`` line), "Smart
lead" HTML cards, recent plain text, and rentals relayed by Move (``RentalRequest@move.com``)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from shared.parsing.common import clean_property_name, read_common, read_labels
from shared.parsing.message import unquote
from shared.parsing.normalize import fields
from shared.parsing.normalize.address import parse_address, parse_street_lines
from shared.parsing.normalize.dates import parse_date
from shared.parsing.normalize.names import name_parts, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead, Property
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, real_email
from shared.types import Json, JsonObject

_SUBJECT = re.compile(r"new realtor\.com lead {0,2}[-–:] {0,2}(.{1,120})$", re.I)
_MOVE_SUBJECT = re.compile(r"Prospective Resident for (.{1,120}?) from realtor", re.I)
_PLAN = re.compile(r"^I plan to move on (.{3,40})$")
_SMART_NAME = re.compile(r"^Name (\S.{0,80})$")
_SECTIONS = ("property", "property address", "listing", "property details", "community info")
_EXTRA = {"message": ("Personal Message from Prospect", "Comment")}
_FOOTER = re.compile(
    r"^(?:Property\b|Listing ID|Respond quickly|realtor\.com,|You have a new lead)", re.I
)


def _is_inquiry(mail: LeadMail) -> bool:
    if _SUBJECT.search(mail.subject) or _MOVE_SUBJECT.search(mail.subject):
        return True
    return any(
        ln.lower() in ("lead information", "consumer info", "consumer inquiry")
        or ln.lower().startswith(("prospect:", "new lead from realtor.com"))
        for ln in mail.lines
    )


def _prospect(body: str) -> JsonObject | None:
    start = body.find("prospect:", 0, 200_000)
    brace = body.find("{", start, start + 200) if start >= 0 else -1
    if brace < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(body[brace : brace + 20_000])
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _property(mail: LeadMail) -> Property:
    for i, line in enumerate(mail.lines):
        if line.lower().rstrip(": ") in _SECTIONS:
            rest = [ln for ln in mail.lines[i + 1 : i + 6] if ln and not ln.startswith("MLS")]
            if rest:
                return parse_street_lines(rest[0], rest[1:2])
    return Property()


def _str(value: Json) -> str | None:
    return None if value is None else str(value)


def _from_json(mail: LeadMail, data: JsonObject, prop: Property) -> Lead:
    first, last = name_parts(_str(data.get("firstName")), _str(data.get("lastName")))
    if first and not last and " " in first:
        first, last = split_name(first)
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
        message=unquote((_str(data.get("message")) or "").strip()),
    )


def _smart(mail: LeadMail, lead: Lead) -> Lead:
    """The "Smart lead" card: name after ``Name``, the move-in above its caption, and the
    message quoted near the top."""
    name = next((m.group(1) for ln in mail.lines if (m := _SMART_NAME.match(ln))), None)
    first, last = split_name(name) if name and not lead.first_name else (None, None)
    move = None
    if "Move-in date" in mail.lines:
        above = mail.lines[mail.lines.index("Move-in date") - 1]
        move = parse_date(above.rpartition("\t")[2], mail.ref_date)
    quoted = next((ln for ln in mail.lines[:15] if ln[:1] in '"“'), None)
    return replace(
        lead,
        first_name=lead.first_name or first,
        last_name=lead.last_name or last,
        move_in_date=lead.move_in_date or move,
        message=lead.message or unquote(quoted),
    )


def _parse(mail: LeadMail) -> Lead:
    prop = _property(mail)
    data = _prospect(mail.body)
    if data is not None:
        return _from_json(mail, data, prop)
    labels = read_labels(mail, _EXTRA, skip=("bedrooms", "address", "city", "state", "zip"))
    lead = read_common(mail, labels, unlabelled=True, footer=_FOOTER)
    subject = _SUBJECT.search(mail.subject)
    if not lead.first_name and subject:
        first, last = split_name(subject.group(1))
        lead = replace(lead, first_name=first, last_name=last)
    community = _MOVE_SUBJECT.search(mail.subject)
    plan = next((m.group(1) for ln in mail.lines if (m := _PLAN.match(ln))), None)
    lead = replace(
        lead,
        property=replace(
            prop if prop.street else parse_address(None),
            name=clean_property_name(community.group(1)) if community else lead.property.name,
        ),
        move_in_date=lead.move_in_date or parse_date(plan, mail.ref_date),
    )
    return _smart(mail, lead)


def _template(mail: LeadMail) -> str:
    if _prospect(mail.body) is not None:
        return "realtor_json"
    if _MOVE_SUBJECT.search(mail.subject) or mail.from_addr.lower().startswith("rentalrequest@"):
        return "move"
    if any(_SMART_NAME.match(ln) for ln in mail.lines):
        return "smartlead"
    if any(ln.startswith("First Name:") for ln in mail.lines):
        return "realtor_text"
    return "realtor_labels"


PARSER = SourceParser(
    name="realtor",
    is_inquiry=_is_inquiry,
    parse=_parse,
    templates=("realtor_labels", "realtor_json", "move", "smartlead", "realtor_text"),
    template_of=_template,
)
