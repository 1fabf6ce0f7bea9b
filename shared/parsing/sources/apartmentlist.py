"""Apartment List (``interests@apartmentlist.com``; not Apartments.com): several templates
with upper- or mixed-case labels, the renter's preferences and the site's "insights"; the
HTML part of some carries the listing in ``<meta name="lead_…">`` tags."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from shared.parsing.common import clean_property_name, read_common, read_labels
from shared.parsing.normalize import fields
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.names import split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail

_EXTRA = {
    "property_name": ("Property Name", "Property"),
    "move_in": ("Move-in", "Move In Date"),
    "bedrooms": ("Beds", "Bedrooms"),
}
_META = re.compile(r'<meta name="lead_([a-z_]{1,40})" content="([^"<>]{0,300})"', re.I)
_SKIP = ("address", "city", "state", "zip", "credit", "occupants")
_NAME_PATTERNS = (
    re.compile(r"^(?:Meet|New Lead from|Hot Lead from) {1,3}([^*]{2,80}?) {0,2}\*?$"),
    re.compile(
        r"^\*? {0,2}(.{2,80}?) is (?:Looking|Interested|Ready to Move) at (.{2,120}?)!? {0,2}\*?$",
        re.I,
    ),
)
_SUBJECTS = (
    re.compile(r"^(.{2,80}?) is interested in renting with you at (.{2,120})$", re.I),
    re.compile(r"- (.{2,80}?) is \"?\w{3,20}\"? at (.{2,120})$", re.I),
    re.compile(r"^New Lead for (.{2,120}?) from (.{2,80}?) - Apartment List$", re.I),
)
_BDRM = re.compile(r"^(\d{1,2}|[Ss]tudio) bdrm$")
_FEED_SUBJECT = re.compile(r"New Email Lead For #{0,2}(.{2,120}?)#{0,2} {0,2}-{0,2}$", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    if any(p.search(mail.subject) for p in (*_SUBJECTS, _FEED_SUBJECT)):
        return True
    return any(p.match(ln) for p in _NAME_PATTERNS for ln in mail.lines[:40])


def _names(mail: LeadMail) -> tuple[str | None, str | None]:
    """(renter name, community) from the subject or the opening lines."""
    for i, pattern in enumerate(_SUBJECTS):
        if m := pattern.search(mail.subject):
            return (m.group(2), m.group(1)) if i == 2 else (m.group(1), m.group(2))
    if m := _FEED_SUBJECT.search(mail.subject):  # the feed to CRMs names only the community
        return None, m.group(1)
    for line in mail.lines[:40]:
        for pattern in _NAME_PATTERNS:
            if m := pattern.match(line):
                return m.group(1), (m.group(2) if m.lastindex == 2 else None)
    return None, None


def _parse(mail: LeadMail) -> Lead:
    labels = read_labels(mail, _EXTRA, skip=_SKIP)
    lead = read_common(mail, labels)
    name, community = _names(mail)
    if not lead.first_name:
        first, last = split_name(name)
        lead = replace(lead, first_name=first, last_name=last)
    if lead.bedrooms is None:  # HTML cards: "3 bdrm" next to a "Preference" caption
        beds = next((m.group(1) for ln in mail.lines if (m := _BDRM.match(ln))), None)
        lead = replace(lead, bedrooms=fields.count(beds, studio_is_zero=True))
    meta = {
        m.group(1).lower(): html.unescape(m.group(2)) for m in _META.finditer(mail.html[:200_000])
    }
    prop_name = lead.property.name or clean_property_name(meta.get("property_name") or community)
    prop = (
        parse_address(meta.get("property_address"))
        if meta.get("property_address")
        else lead.property
    )
    return replace(
        lead,
        property=replace(prop, name=prop_name),
        phone=lead.phone or to_e164(meta.get("phone")),
        message=None,
    )


def _template(mail: LeadMail) -> str:
    if _FEED_SUBJECT.search(mail.subject):
        return "al_crm_feed"
    if _SUBJECTS[0].search(mail.subject):
        return "al_blue"
    return "al_cpm" if _SUBJECTS[2].search(mail.subject) else "al_purple"


PARSER = SourceParser(
    name="apartmentlist",
    is_inquiry=_is_inquiry,
    parse=_parse,
    templates=("al_purple", "al_blue", "al_cpm", "al_crm_feed"),
    template_of=_template,
)
