"""Avail (``support@avail.co``): a notice naming the renter and the rental, a quoted preview
of the message and a secure-reply link; no email or phone (``partial``)."""

from __future__ import annotations

import re

from shared.parsing.message import unquote
from shared.parsing.normalize.address import parse_address
from shared.parsing.normalize.names import split_name
from shared.parsing.record import Lead
from shared.parsing.sources.base import SourceParser
from shared.parsing.view import LeadMail

_NOTICE = re.compile(
    r"new message from (.{2,80}?) about your rental at (.{3,200}?)\.? {0,3}$", re.I
)
_PREVIEW = re.compile(r"^Here'?s a preview:?$", re.I)


def _is_inquiry(mail: LeadMail) -> bool:
    return any(_NOTICE.search(ln) for ln in mail.lines)


def _parse(mail: LeadMail) -> Lead:
    found = next((m for ln in mail.lines if (m := _NOTICE.search(ln))), None)
    first, last = split_name(found.group(1) if found else None)
    at = next((i for i, ln in enumerate(mail.lines) if _PREVIEW.match(ln)), -1)
    preview = next((ln for ln in mail.lines[at + 1 : at + 4] if ln), None) if at >= 0 else None
    return Lead(
        first_name=first,
        last_name=last,
        property=parse_address(found.group(2) if found else None),
        message=unquote(preview),
        review_reasons=["partial"],
    )


PARSER = SourceParser(name="avail", is_inquiry=_is_inquiry, parse=_parse, templates=("avail",))
