"""Fields as people can read them: bidi and other control characters removed, so a name
cannot reorder what a landlord sees; single-line fields lose their line breaks too."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.parsing.record import Lead, Property

_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_BREAKS = re.compile("[\t\n]")


def _line(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(_BREAKS.sub(" ", _CONTROL.sub("", value)).split()) or None


def clean_fields(lead: Lead) -> Lead:
    """The lead with printable fields (the message keeps its line breaks)."""
    prop = lead.property
    one_line = [lead.site, lead.first_name, lead.last_name, lead.email, lead.reply_to, lead.phone]
    one_line += [prop.name, prop.street, prop.unit, prop.city, prop.state, prop.zip]
    joined = "".join(v for v in one_line if v)
    dirty_message = bool(lead.message and _CONTROL.search(lead.message))
    if not dirty_message and not _CONTROL.search(joined) and not _BREAKS.search(joined):
        return lead
    return replace(
        lead,
        site=_line(lead.site),
        first_name=_line(lead.first_name),
        last_name=_line(lead.last_name),
        email=_line(lead.email),
        reply_to=_line(lead.reply_to),
        phone=_line(lead.phone),
        message=_CONTROL.sub("", lead.message) or None if lead.message else None,
        property=Property(
            name=_line(prop.name),
            street=_line(prop.street),
            unit=_line(prop.unit),
            city=_line(prop.city),
            state=_line(prop.state),
            zip=_line(prop.zip),
        ),
    )
