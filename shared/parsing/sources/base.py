"""The shape every source parser module exposes to the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.parsing.families import FAMILIES
from shared.parsing.record import Lead, Source
from shared.parsing.view import LeadMail, domain_matches


@dataclass(frozen=True)
class SourceParser:
    """One listing site: how to recognise its mail and how to read an inquiry.

    Attributes:
        name: The ``source`` value of its leads; its sender domains are ``FAMILIES[name]``.
        is_inquiry: True for a renter's inquiry, False for the site's other mail.
        parse: Reads the inquiry into a lead (``is_lead``/``source``/``inquiry_at`` and the
            review reasons other than ``partial``/``doubtful`` are set by the caller).
        templates: The site's templates this module reads, for the catalogue and tests.
        template_of: Which of ``templates`` an inquiry is (default: the first).
    """

    name: Source
    is_inquiry: Callable[[LeadMail], bool]
    parse: Callable[[LeadMail], Lead]
    templates: tuple[str, ...] = ()
    template_of: Callable[[LeadMail], str] | None = None

    @property
    def domains(self) -> tuple[str, ...]:
        """Every sender domain of the site's family."""
        return FAMILIES.get(self.name, ())

    def sent_by(self, mail: LeadMail) -> bool:
        """True if the email's sender address belongs to this site's family."""
        return domain_matches(mail.from_addr, self.domains)
