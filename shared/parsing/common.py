"""The reading every source shares: a lead from labelled values, contact shapes and the
message block. A source passes what is special about it and adjusts the result."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from shared.parsing.contact import email_lines, linked_email, linked_phone, phone_lines
from shared.parsing.labels import Labels
from shared.parsing.message import is_site_text, is_unanswered_message, unquote
from shared.parsing.normalize.address import parse_address, parse_street_lines
from shared.parsing.normalize.names import name_parts, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.profile import read_profile
from shared.parsing.record import Lead, Property
from shared.parsing.view import LeadMail, real_email


def read_labels(
    mail: LeadMail,
    extra: Mapping[str, Iterable[str]] | None = None,
    skip: Iterable[str] = (),
) -> Labels:
    """The shared label reading over the email's lines, with a source's own synonyms."""
    return Labels(mail.lines, extra, skip)


def labelled_property(labels: Labels) -> Property:
    """The listing from ``Property Address``/``Address 2``/``City``/``State``/``Zip`` values."""
    street = labels.get("address")
    if not street:
        return Property(name=clean_property_name(labels.get("property_name")))
    at = labels.index["address"]
    prop = parse_street_lines(street, labels.lines[at + 1 : at + 3])
    unit = prop.unit or _unit_value(labels.get("address2"))
    return Property(
        name=clean_property_name(labels.get("property_name")),
        street=prop.street,
        unit=unit,
        city=prop.city or (labels.get("city") or None),
        state=prop.state or ((labels.get("state") or "").upper() or None),
        zip=prop.zip or (labels.get("zip") or None),
    )


def _unit_value(value: str | None) -> str | None:
    if not value:
        return None
    return parse_address("0 X St " + value).unit or value.strip(" #") or None


def clean_property_name(value: str | None) -> str | None:
    """A community or listing name without trailing punctuation; None when empty."""
    if not value:
        return None
    name = " ".join(value.split()).strip(" !.,;:*-")
    return name or None


def message_of(labels: Labels, stop: Callable[[str], bool] = is_site_text) -> str | None:
    """The labelled message with its continuation lines, up to site text or a label."""
    text = unquote(labels.block("message", stop))
    return None if is_unanswered_message(text) else text


def read_common(
    mail: LeadMail, labels: Labels, unlabelled: bool = False, footer: re.Pattern[str] | None = None
) -> Lead:
    """A lead from the shared reading (names, contact, wishes, message, property).

    Args:
        mail: The email.
        labels: The label reading of its lines.
        unlabelled: Also take an email or phone found alone on a line or in a link.
        footer: The site's own lines that end a message, beyond the shared site text.

    Returns:
        The lead; a source adjusts what is special about it.
    """
    first, last = name_parts(labels.get("first"), labels.get("last"))
    if not first and not last:
        first, last = split_name(labels.get("name"))
    elif first and not last and " " in first:
        first, last = split_name(first)
    owner = (mail.to_addr,)
    email = real_email(labels.get("email"))
    phone = to_e164(labels.get("phone"))
    if unlabelled:
        email = email or email_lines(mail.lines, owner) or linked_email(mail.html, owner)
        phone = phone or phone_lines(mail.lines) or linked_phone(mail.html)
    return Lead(
        first_name=first,
        last_name=last,
        email=email if email not in owner else None,
        phone=phone,
        property=labelled_property(labels),
        **vars(read_profile(labels, mail.ref_date)),
        message=message_of(
            labels, lambda ln: is_site_text(ln) or bool(footer and footer.match(ln))
        ),
    )
