"""Zillow Rentals: HTML-only inquiries from ``…@convo.zillow.com`` relays."""

from __future__ import annotations

import re
from urllib.parse import unquote

from shared.parsing.labels import Labels, trim_block
from shared.parsing.normalize import amounts, fields
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.dates import parse_date
from shared.parsing.normalize.names import clean_name, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead, Property
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, domain_matches, real_email

ALIASES = {
    "move_in": ("Move in", "Move-in", "Move in date", "Move-in date", "Desired move in"),
    "credit": ("Credit score", "Credit"),
    "income": ("Income", "Annual income", "Monthly income"),
    "pets": ("Pets",),
    "lease": ("Lease Length", "Lease length", "Lease term", "Lease"),
    "occupants": ("Number of Occupants", "Occupants"),
    "bedrooms": ("Number of Bedrooms", "Bedrooms", "Beds"),
    "phone": ("Phone", "Phone number"),
    "email": ("Email",),
}
_SAYS = re.compile(r"^(.+?)\s+(?:says|said|wrote|requested an application)\s*:\s*(.*)$", re.I)
_SUBJECT = re.compile(
    r"^(.+?)\s+is requesting (?:information about|an application for|a tour of)\s+(.+)$", re.I
)
_PHONE_LINK = re.compile(r"[?&](?:amp;)?phone=([^&\"'#\s<>]+)", re.I)
_TEL_LINK = re.compile(r"href=[\"']?tel:([^\"'>\s]+)", re.I)
_STOP = re.compile(
    r"^(?:Reply\b|Send Application|Call\s|See .+ in Zillow|Zillow, Inc|View\b)", re.I
)
_ADDRESS = re.compile(r"^\d+[A-Za-z]?\s+\S.*,")


def _is_inquiry(mail: LeadMail) -> bool:
    return (
        domain_matches(mail.from_addr, ("convo.zillow.com",))
        or any(_SAYS.match(ln) for ln in mail.lines)
        or bool(_SUBJECT.match(mail.subject))
    )


def _phone(labels: Labels, html: str) -> str | None:
    found = to_e164(labels.get("phone"))
    if found:
        return found
    for pattern in (_PHONE_LINK, _TEL_LINK):
        for m in pattern.finditer(html):
            found = to_e164(unquote(m.group(1).replace("=\n", "")))
            if found:
                return found
    return None


def _address(mail: LeadMail, says_at: int, subject_addr: str | None) -> Property:
    head = mail.lines[:says_at] if says_at >= 0 else mail.lines
    body_addr = next((ln for ln in head if _ADDRESS.match(ln)), None)
    prop = parse_address(body_addr or subject_addr)
    if subject_addr and body_addr:
        alt = parse_address(subject_addr)
        prop = Property(
            street=prop.street or alt.street,
            unit=prop.unit or alt.unit,
            city=prop.city or alt.city,
            state=prop.state or alt.state,
            zip=prop.zip or alt.zip,
        )
    return prop


def _parse(mail: LeadMail) -> Lead:
    labels = Labels(mail.lines, ALIASES)
    says_at, says_name, first_msg = -1, None, ""
    for i, line in enumerate(mail.lines):
        if m := _SAYS.match(line):
            says_at, says_name, first_msg = i, m.group(1), m.group(2)
            break
    subject = _SUBJECT.match(mail.subject)
    names = [clean_name(n) for n in (says_name, subject and subject.group(1), mail.from_name)]
    full = max((n for n in names if n), key=lambda n: len(n.split()), default=None)
    message = None
    if says_at >= 0:
        body = [first_msg] if first_msg else []
        for line in mail.lines[says_at + 1 :]:
            if labels.key_of(line)[0] is not None or _STOP.match(line):
                break
            body.append(line)
        message = trim_block(body)
    first, last = split_name(full)
    relay = mail.from_addr if domain_matches(mail.from_addr, ("zillow.com",)) else None
    if relay is None and mail.reply_to and domain_matches(mail.reply_to, ("zillow.com",)):
        relay = mail.reply_to
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(labels.get("email")),
        reply_to=relay,
        phone=_phone(labels, mail.html),
        property=_address(mail, says_at, subject.group(2) if subject else None),
        move_in_date=parse_date(labels.get("move_in"), mail.ref_date),
        credit_score=amounts.credit_range(labels.get("credit")),
        income=amounts.income(labels.get("income")),
        pets=fields.pets(labels.get("pets")),
        occupants=fields.count(labels.get("occupants")),
        bedrooms=fields.count(labels.get("bedrooms"), studio_is_zero=True),
        lease_months=fields.lease_months(labels.get("lease")),
        message=message,
    )


PARSER = SourceParser(name="zillow", domains=("zillow.com",), is_inquiry=_is_inquiry, parse=_parse)
