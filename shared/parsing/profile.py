"""A renter's profile rows (move-in, credit, income, pets, lease, occupants, bedrooms),
read from labels wherever a site shows them; an income's period may sit in its label
(``Yearly income``, ``Monthly income``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.parsing.labels import Labels, norm_label
from shared.parsing.normalize import amounts, fields
from shared.parsing.normalize.dates import parse_date
from shared.parsing.record import CreditScore, Income, Pets

PROFILE_LABELS: dict[str, tuple[str, ...]] = {
    "move_in": (
        "Move-in Availability",
        "Move-in date",
        "Move in date",
        "Desired move-in",
        "Desired move date",
        "Move date",
        "Move by",
        "Moving date",
        "Available to move",
    ),
    "income": ("Yearly income", "Annual income", "Monthly income", "Household income"),
    "lease": ("Lease length", "Lease term", "Desired lease length", "Desired lease term"),
    "occupants": ("Number of occupants", "Occupants", "Number of people", "Household size"),
    "bedrooms": ("Number of bedrooms", "Bedrooms", "Desired bedrooms", "Beds"),
    "pets": ("Pets", "Pet", "Pet info", "Pet information"),
    "credit": ("Credit score", "Credit", "Credit range", "Credit score range"),
    "mobile": ("Mobile", "Cell", "Cell Phone", "Mobile Phone", "Mobile Number"),
    "name": (
        "Renter name",
        "From",
        "Prospect",
        "Applicant",
        "Applicant Name",
        "Guest",
        "Resident",
    ),
    "email": ("Renter email", "Email address", "E-mail address", "Applicant Email"),
}
"""Labels the generic reader adds to the shared synonyms (labels.py)."""


@dataclass(frozen=True)
class Profile:
    """The profile values of one inquiry."""

    move_in_date: date | None
    credit_score: CreditScore | None
    income: Income | None
    pets: Pets
    occupants: int | None
    bedrooms: int | None
    lease_months: int | None


def labelled_income(labels: Labels) -> Income | None:
    """The income, with its period from the label when the value gives none."""
    found = amounts.income(labels.get("income"))
    if found is None or found.period != "unknown":
        return found
    label = norm_label(labels.lines[labels.index["income"]].partition(":")[0])
    if any(word in label for word in ("yearly", "annual", "per year")):
        return Income(amount=found.amount, period="annual")
    if any(word in label for word in ("monthly", "per month")):
        return Income(amount=found.amount, period="monthly")
    return found


def read_profile(labels: Labels, ref: date | None) -> Profile:
    """The profile values the labels give (absent → None, pets ``unknown``)."""
    return Profile(
        move_in_date=parse_date(labels.get("move_in"), ref),
        credit_score=amounts.credit_range(labels.get("credit")),
        income=labelled_income(labels),
        pets=fields.pets(labels.get("pets")),
        occupants=fields.count(labels.get("occupants")),
        bedrooms=fields.count(labels.get("bedrooms"), studio_is_zero=True),
        lease_months=fields.lease_months(labels.get("lease")),
    )
