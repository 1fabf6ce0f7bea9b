"""What the API answers about leads: the list, one lead, its inquiries, counts and bulk
results (camelCase names; the stored records keep the Python names)."""

from __future__ import annotations

from datetime import date

import msgspec

from shared.api.contract import (
    Intent,
    LeadStatus,
    ReviewReason,
    Source,
    Time,
)
from shared.api.outputs import Out
from shared.parsing.record import Period, Pets


class Property(Out):
    """The listing asked about."""

    name: str | None
    street: str | None
    unit: str | None
    city: str | None
    state: str | None
    zip: str | None


class CreditScore(Out):
    """A range; ``max`` is null for an open range such as 720+."""

    min: int
    max: int | None


class Income(Out):
    """Stated income and its period."""

    amount: float
    period: Period


class Classification(Out):
    """Why the email was read as it was: the site template, or the evidence seen."""

    template: str | None = None
    evidence: list[str] = msgspec.field(default_factory=list)
    non_lead_shape: str | None = None
    corrected: bool = False


class Attachment(Out):
    """A file the renter attached to the email (a pay stub, an application)."""

    name: str
    type: str
    bytes: int


class Inquiry(Out):
    """One email of the renter: what they sent, as read by ``parserVersion``."""

    message_id: str
    mailbox: str
    inquiry_at: Time
    source: Source | None
    site: str | None
    intent: Intent | None
    message: str | None
    message_truncated: bool
    move_in_date: date | None
    credit_score: CreditScore | None
    income: Income | None
    pets: Pets
    occupants: int | None
    bedrooms: int | None
    lease_months: int | None
    tour_times: list[str]
    property: Property | None
    needs_review: bool
    review_reasons: list[ReviewReason]
    reviewed: bool
    parser_version: str | None
    classified_by: Classification | None
    attachments: list[Attachment]  # files attached: named, never read or kept


class LeadSummary(Out):
    """A lead in a list: the renter, the newest listing asked about, and review state."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    source: Source | None
    status: LeadStatus
    property: Property | None
    needs_review: bool
    review_reasons: list[ReviewReason]
    inquiry_count: int
    last_inquiry_at: Time
    created_at: Time
    updated_at: Time


class Lead(LeadSummary):
    """One lead: its notes and newest inquiries (``inquiriesNextCursor`` pages the rest
    through ``/leads/{leadId}/inquiries``); ``etag`` is also its ``ETag`` header."""

    notes: str
    etag: str
    inquiries: list[Inquiry]
    inquiries_next_cursor: str | None


class Inquiries(Out):
    """A page of a lead's inquiries, newest first."""

    inquiries: list[Inquiry]
    next_cursor: str | None


class LeadList(Out):
    """A page of leads and the cursor of the next one (null: the last page)."""

    leads: list[LeadSummary]
    next_cursor: str | None


class StatusCount(Out):
    """How many leads have one status."""

    status: LeadStatus
    count: int


class SourceCount(Out):
    """How many listed leads came from one site."""

    source: Source
    count: int


class MailboxCount(Out):
    """How many listed leads wrote to one mailbox."""

    mailbox: str
    count: int


class LeadCounts(Out):
    """How many of the caller's leads match the filters, in all and per status, source,
    review state and mailbox (for tabs and badges): aggregation queries, no lead read."""

    total: int
    by_status: list[StatusCount]
    by_source: list[SourceCount]
    needs_review: int
    by_mailbox: list[MailboxCount]


class BulkUpdated(Out):
    """Which leads were changed; ids that are not the caller's leads, and leads changed
    since the ``ifMatch`` tag given for them, are listed apart (and left alone)."""

    updated: list[str]
    not_found: list[str]
    precondition_failed: list[str]
