"""The shape every source parser module exposes to the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.parsing.record import Lead, Source
from shared.parsing.view import LeadMail, domain_matches


@dataclass(frozen=True)
class SourceParser:
    """One listing site: how to recognise its mail and how to read an inquiry.

    Attributes:
        name: The ``source`` value of its leads.
        domains: Sender domains (suffix match) that belong to the site.
        is_inquiry: True for a renter's inquiry, False for the site's other mail.
        parse: Reads the inquiry into a lead (``is_lead``/``source``/``inquiry_at`` set by caller).
    """

    name: Source
    domains: tuple[str, ...]
    is_inquiry: Callable[[LeadMail], bool]
    parse: Callable[[LeadMail], Lead]

    def sent_by(self, mail: LeadMail) -> bool:
        """True if the email's sender address belongs to this site."""
        return domain_matches(mail.from_addr, self.domains)
