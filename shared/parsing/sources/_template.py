"""Scaffold for the next listing site. Copy to ``<site>.py``, fill in, add to REGISTRY.

Steps: add the site's name to ``record.Source``; collect labelled ``.eml`` + ``.json``
examples under ``tests/fixtures/emails/<site>/``; make the golden tests pass.
"""

from __future__ import annotations

from shared.parsing.labels import Labels
from shared.parsing.normalize.names import split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.record import Lead
from shared.parsing.view import LeadMail, real_email

ALIASES = {"name": ("Name",), "email": ("Email",), "phone": ("Phone",)}


def is_inquiry(mail: LeadMail) -> bool:
    """True when the email is a renter's inquiry (not a report or receipt)."""
    return "name" in Labels(mail.lines, ALIASES).values


def parse(mail: LeadMail) -> Lead:
    """Read the inquiry's fields; unknown fields stay at their contract defaults."""
    labels = Labels(mail.lines, ALIASES)
    first, last = split_name(labels.get("name"))
    return Lead(
        first_name=first,
        last_name=last,
        email=real_email(labels.get("email")),
        phone=to_e164(labels.get("phone")),
    )


# PARSER = SourceParser(name="newsite", domains=("newsite.com",), is_inquiry=is_inquiry,
#                       parse=parse)
