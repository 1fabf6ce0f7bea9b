"""Zillow family: Rental Manager inquiries and conversations through ``convo.zillow.com``
relays, and Zillow Group Rentals contacts (``zillowrentals.com``, 2017–2020)."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.parsing.common import clean_property_name, read_common, read_labels
from shared.parsing.contact import email_lines, linked_email, linked_phone, phone_lines
from shared.parsing.labels import Labels, trim_block
from shared.parsing.message import is_site_text, unquote
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.names import clean_name, split_name
from shared.parsing.record import Lead, Property
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail, domain_matches
from shared.parsing.zones import is_footer_line

_SAYS = re.compile(
    r"^(.{1,120}?) (?:is interested in .{1,80} and )?(?:says|said|wrote|requested an application)"
    r" {0,2}: {0,2}(.*)$"
)
_SUBJECT = re.compile(
    r"^(?:(?:re|fwd?) {0,2}: {0,2})*(.{1,80}?) is requesting (?:information about|an application "
    r"for|a tour of) (.{1,200})$",
    re.I,
)
_ZGR_SUBJECT = re.compile(r"^New Zillow Group Rentals Contact: {0,3}(.{1,120})$", re.I)
_REGARDING = re.compile(r"^Regarding your listing at: {0,3}(.{1,200})$")
_ADDRESS = re.compile(r"^\d{1,6}[A-Za-z]? (?:[NSEW]\.? )?[A-Z0-9]\S{0,40}.{0,150},")
# lines that make mail this template's (an "About <Name>" profile alone does not: the 2019
# renderer has one too), and the ones that also end a conversation message
_CLAIM_LINE = re.compile(
    r"^(?:New message from a renter|New Contact|Regarding your listing at:.*)$"
)
_INQUIRY_LINE = re.compile(rf"{_CLAIM_LINE.pattern}|^About [A-Z].{{0,60}}$")
_ZGR_END = re.compile(r"^(?:Your listing|FOR RENT|Income and timeframe|\S{1,80}@\S{0,80})$")


def _is_inquiry(mail: LeadMail) -> bool:
    if mail.from_addr.startswith(("mailer-daemon@", "postmaster@")):
        return False
    return bool(_SUBJECT.match(mail.subject) or _ZGR_SUBJECT.match(mail.subject)) or any(
        _SAYS.match(ln) or _CLAIM_LINE.match(ln) for ln in mail.lines
    )


def _says(mail: LeadMail) -> tuple[int, str | None, str]:
    for i, line in enumerate(mail.lines):
        if m := _SAYS.match(line):
            return i, m.group(1), m.group(2)
    return -1, None, ""


def _message(mail: LeadMail, labels: Labels, says_at: int, first: str, zgr: bool) -> str | None:
    if says_at >= 0:
        body = [first] if first else []
        for line in mail.lines[says_at + 1 :]:
            if is_site_text(line) or is_footer_line(line) or _ZGR_END.match(line):
                break
            if phone_lines([line]) or email_lines([line]):  # the contact rows after it
                break
            if not zgr and labels.key_of(line)[0] is not None:
                break
            body.append(line)
        return unquote(trim_block(body))
    body = []
    for line in mail.lines:  # a conversation reply: the renter's words come first
        if is_site_text(line) or _INQUIRY_LINE.match(line) or line == "New message":
            if body:
                break
            continue
        if _ADDRESS.match(line) and not body:
            continue
        body.append(line)
    return unquote(trim_block(body))


def _address(mail: LeadMail, says_at: int, subject_addr: str | None) -> Property:
    regarding = next((m.group(1) for ln in mail.lines if (m := _REGARDING.match(ln))), None)
    head = mail.lines[:says_at] if says_at >= 0 else mail.lines
    body_addr = regarding or next((ln for ln in head if _ADDRESS.match(ln)), None)
    if body_addr is None and "Your listing" in mail.lines:
        after = mail.lines[mail.lines.index("Your listing") :]
        body_addr = next((ln for ln in after if _ADDRESS.match(ln)), None)
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
    labels = read_labels(mail, {"move_in": ("Desired move in",)}, skip=("message", "name"))
    base = read_common(mail, labels)
    zgr = bool(_ZGR_SUBJECT.match(mail.subject)) or domain_matches(
        mail.from_addr, ("zillowrentals.com",)
    )
    says_at, says_name, first_msg = _says(mail)
    subject = _SUBJECT.match(mail.subject)
    about = next((ln[6:] for ln in mail.lines if ln.startswith("About ") and len(ln) < 70), None)
    from_name = None if zgr else mail.from_name
    names = [clean_name(n) for n in (says_name, about, subject and subject.group(1), from_name)]
    full = max((n for n in names if n), key=lambda n: len(n.split()), default=None)
    first, last = split_name(full)
    owner = (mail.to_addr,)
    zgr_name = _ZGR_SUBJECT.match(mail.subject)
    prop = _address(mail, says_at, subject.group(2) if subject else None)
    return replace(
        base,
        first_name=first,
        last_name=last,
        email=base.email
        or (linked_email(mail.html, owner) or email_lines(mail.lines, owner) if zgr else None),
        phone=base.phone or (phone_lines(mail.lines) if zgr else None) or linked_phone(mail.html),
        property=replace(prop, name=clean_property_name(zgr_name.group(1)) if zgr_name else None),
        message=_message(mail, labels, says_at, first_msg, zgr),
    )


_CONVERSATION = re.compile(r"^(?:re: |fwd?: )*new message\b|^re: ", re.I)


def _template(mail: LeadMail) -> str:
    if _ZGR_SUBJECT.match(mail.subject) or domain_matches(mail.from_addr, ("zillowrentals.com",)):
        return "zgr"
    conversation = any(
        ln == "New message from a renter" or _REGARDING.match(ln) for ln in mail.lines
    )
    return "zrm" if conversation or _CONVERSATION.match(mail.subject) else "zillow_inquiry"


PARSER = SourceParser(
    name="zillow",
    is_inquiry=_is_inquiry,
    parse=_parse,
    templates=("zillow_inquiry", "zrm", "zgr"),
    template_of=_template,
)
