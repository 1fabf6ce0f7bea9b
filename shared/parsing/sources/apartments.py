"""Apartments.com family: label/value rows (``leads@``), the older network format
(``lead@``, ``Property Address 1``…) and the current short notice (``partial``)."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.parsing.common import clean_property_name, read_common, read_labels
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.names import split_name
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail

_EXTRA = {
    "address": ("Property Address", "Property", "Address", "Property Address 1"),
    "property_name": ("To",),
    "submitted": ("Lead Submitted",),
    "bedrooms": ("Beds",),
}
_SUBJECT_NAME = re.compile(r"apartments\.com lead {0,2}[-–:] {0,2}(.{1,120})$", re.I)
_NETWORK = re.compile(r"Network lead for (.{1,120})$", re.I)
_NOTICE = re.compile(r"^You've received a new lead for the following property:?$", re.I)
_NOTICE_SUBJECT = re.compile(r"received a new lead", re.I)
_FOOTER = re.compile(r"^(?:Apartments\.com,|Need help\?|New Lead from Apartments\.com)", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    if _NOTICE_SUBJECT.search(mail.subject) or any(_NOTICE.match(ln) for ln in mail.lines):
        return True
    labels = read_labels(mail, _EXTRA)
    return "name" in labels.values and ("address" in labels.values or "submitted" in labels.values)


def _notice(mail: LeadMail) -> Lead:
    at = next((i for i, ln in enumerate(mail.lines) if _NOTICE.match(ln)), -1)
    address = next((ln for ln in mail.lines[at + 1 : at + 5] if ln), None) if at >= 0 else None
    return Lead(property=parse_address(address), review_reasons=["partial"])


def _parse(mail: LeadMail) -> Lead:
    labels = read_labels(mail, _EXTRA)
    if "name" not in labels.values and "email" not in labels.values:
        return _notice(mail)
    lead = read_common(mail, labels, footer=_FOOTER)
    if not lead.first_name:
        subject = _SUBJECT_NAME.search(mail.subject)
        first, last = split_name(subject.group(1) if subject else None)
        lead = replace(lead, first_name=first, last_name=last)
    prop = lead.property
    if prop.street and not prop.city and "," in (labels.get("address") or ""):
        prop = parse_address(labels.get("address"))
    network = _NETWORK.search(mail.subject)
    name = prop.name or (clean_property_name(network.group(1)) if network else None)
    return replace(lead, property=replace(prop, name=name))


def _template(mail: LeadMail) -> str:
    if _NOTICE_SUBJECT.search(mail.subject) or any(_NOTICE.match(ln) for ln in mail.lines):
        return "apts_notice"
    return "apts_network" if _NETWORK.search(mail.subject) else "apartments_rows"


PARSER = SourceParser(
    name="apartments",
    is_inquiry=_is_inquiry,
    parse=_parse,
    templates=("apartments_rows", "apts_network", "apts_notice"),
    template_of=_template,
)
