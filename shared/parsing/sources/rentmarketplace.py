"""Rent. family (RentPath): RentMarketplace plain text through ``leads.rent.com`` and
Rent.com HTML leads from ``email.rent.com`` with labels above their values."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.parsing.common import clean_property_name, read_common, read_labels
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.names import split_name
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail

_ABOUT = re.compile(r"more information about (.{3,200}?)\.? {0,3}$", re.I)
_SUBJECT = re.compile(r"^(.{1,80}?) is interested in (.{3,200})$", re.I)
_RENTCOM_SUBJECT = re.compile(r"Lead from (.{1,80}?)(?: \((.{1,120})\))?$", re.I)
_INFO_FOR = re.compile(r"^Information for (.{1,80})$")
_CITY_STATE = ("Property City, State",)
_FOOTER = re.compile(r"^(?:This lead was sent|Rent\. ?,|To unsubscribe)", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    if _SUBJECT.match(mail.subject) or _RENTCOM_SUBJECT.search(mail.subject):
        return True
    return any(
        _ABOUT.search(ln) or _INFO_FOR.match(ln) or ln.lower().startswith("first name:")
        for ln in mail.lines
    )


def _parse(mail: LeadMail) -> Lead:
    labels = read_labels(mail, {"city_state": _CITY_STATE})
    lead = read_common(mail, labels, footer=_FOOTER)
    subject = _SUBJECT.match(mail.subject)
    rentcom = _RENTCOM_SUBJECT.search(mail.subject)
    if not lead.first_name:
        info = next((m.group(1) for ln in mail.lines if (m := _INFO_FOR.match(ln))), None)
        named = info or (subject.group(1) if subject else None)
        first, last = split_name(named or (rentcom.group(1) if rentcom else None))
        lead = replace(lead, first_name=first, last_name=last)
    prop = lead.property
    if not prop.street:
        about = next((m.group(1) for ln in mail.lines if (m := _ABOUT.search(ln))), None)
        prop = replace(
            parse_address(about or (subject.group(2) if subject else None)), name=prop.name
        )
    if not prop.name and rentcom and rentcom.group(2):
        prop = replace(prop, name=clean_property_name(rentcom.group(2)))
    return replace(lead, property=prop)


def _template(mail: LeadMail) -> str:
    return "rentcom" if _RENTCOM_SUBJECT.search(mail.subject) else "rentmarketplace_text"


PARSER = SourceParser(
    name="rentmarketplace",
    is_inquiry=_is_inquiry,
    parse=_parse,
    templates=("rentmarketplace_text", "rentcom"),
    template_of=_template,
)
