"""The lead record: the contract of ``python -m shared.parsing`` (see LEADS.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Literal

from shared.types import JsonObject
from shared.vocabulary import (
    INTENTS,
    REVIEW_REASONS,
    SOURCES,
    EvidenceSignal,
    Intent,
    NonLeadShape,
    ReviewReason,
    Source,
)

__all__ = [
    "INTENTS",
    "REVIEW_REASONS",
    "SOURCES",
    "Attachment",
    "Classification",
    "EvidenceSignal",
    "Intent",
    "Lead",
    "NonLeadShape",
    "Period",
    "Pets",
    "ReviewReason",
    "Source",
]

Pets = Literal["yes", "no", "unknown"]
Period = Literal["annual", "monthly", "unknown"]

PARSER_VERSION = "2026.12.1"


@dataclass(frozen=True)
class Property:
    """The listing asked about."""

    name: str | None = None
    street: str | None = None
    unit: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True)
class CreditScore:
    """A credit score range; ``max`` is None for open ranges such as ``720+``."""

    min: int
    max: int | None


@dataclass(frozen=True)
class Income:
    """Stated income and the period the text gives for it."""

    amount: float
    period: Period


@dataclass(frozen=True)
class Attachment:
    """A file the renter attached (a pay stub, an application): named, never read."""

    name: str
    type: str
    bytes: int


@dataclass(frozen=True)
class Classification:
    """Why the record is (not) a lead: the site template that matched, else the evidence.

    Attributes:
        template: ``<source>/<template>`` when a site template read the email.
        evidence: The signals seen when no template matched (the generic reader decided).
        shape: The recognised non-lead shape, for a non-lead.
        corrected: A person said it is a lead (the parser had read it as none).
    """

    template: str | None = None
    evidence: tuple[EvidenceSignal, ...] = ()
    shape: NonLeadShape | None = None
    corrected: bool = False

    def to_dict(self) -> JsonObject:
        """``{"template": …}`` or ``{"evidence": [...]}`` (with ``non_lead_shape``)."""
        if self.template:
            return {"template": self.template}
        out: JsonObject = {"evidence": list(self.evidence)}
        if self.shape:
            out["non_lead_shape"] = self.shape
        if self.corrected:
            out["corrected"] = True
        return out


@dataclass
class Lead:
    """One parsed email; every contract key is always present."""

    is_lead: bool = False
    source: Source | None = None
    site: str | None = None
    intent: Intent | None = None
    tour_times: list[str] = field(default_factory=list)
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    reply_to: str | None = None
    phone: str | None = None
    property: Property = field(default_factory=Property)
    move_in_date: date | None = None
    credit_score: CreditScore | None = None
    income: Income | None = None
    pets: Pets = "unknown"
    occupants: int | None = None
    bedrooms: int | None = None
    lease_months: int | None = None
    message: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    inquiry_at: datetime | None = None
    needs_review: bool = False
    review_reasons: list[ReviewReason] = field(default_factory=list)
    classified_by: Classification = field(default_factory=Classification)
    parser_version: str = PARSER_VERSION
    error: str | None = None
    limits_hit: tuple[str, ...] = ()

    @classmethod
    def unreadable(cls, bound: str, error: str) -> Lead:
        """Mail the parser could not read (a bound it hit, or its own failure): not a lead
        it can name, so ``unrecognised`` for a person to decide, never a silent non-lead.

        Args:
            bound: The bound or fault, recorded in ``limits_hit`` (``email_bytes``,
                ``parser``...).
            error: What happened, without any of the email's content.
        """
        return cls(
            needs_review=True,
            review_reasons=["unrecognised"],
            limits_hit=(bound,),
            error=error,
        )

    def to_dict(self) -> JsonObject:
        """Return the JSON-ready record (dates as ISO strings, amounts as numbers)."""
        out = asdict(self)
        out["classified_by"] = self.classified_by.to_dict()
        out["move_in_date"] = self.move_in_date.isoformat() if self.move_in_date else None
        out["inquiry_at"] = self.inquiry_at.isoformat() if self.inquiry_at else None
        if self.income is not None:
            amount = self.income.amount
            out["income"]["amount"] = int(amount) if float(amount).is_integer() else amount
        if out["error"] is None:
            del out["error"]
        if not self.limits_hit:
            del out["limits_hit"]
        else:
            out["limits_hit"] = list(self.limits_hit)
        return out
