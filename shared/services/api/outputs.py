"""What the API answers with, as models: serialised with msgspec and described in the OpenAPI
document from the same classes."""

from __future__ import annotations

from typing import Literal

import msgspec

from shared.services.api.contract import (
    AccountState,
    Health,
    HealthReason,
    LeadStatus,
    ReviewReason,
    Source,
    Time,
)
from shared.types import JsonObject


class Out(msgspec.Struct, kw_only=True, rename="camel"):
    """A response body (JSON names in camelCase)."""


class ErrorDetail(Out):
    code: str
    message: str
    details: JsonObject | None


class Error(Out):
    error: ErrorDetail


class LabelRef(Out):
    id: str
    name: str


class Audit(Out):
    """The last audit of the lead label against the email records."""

    label_total: int
    recorded: int
    missing: int
    queued: int
    at: Time


class GmailStatus(Out):
    connected: bool
    mailbox: str | None
    state: AccountState
    label: LabelRef | None
    watch_expiration: Time
    last_sync_at: Time
    reason: str | None
    health: Health
    reasons: list[HealthReason]
    audit: Audit | None


class Mailboxes(Out):
    mailboxes: list[GmailStatus]


class AuthUrl(Out):
    url: str


class Connected(Out):
    connected: Literal[True]
    mailbox: str


class Disconnected(Out):
    mailbox: str
    watch_stopped: bool
    token_revoked: bool
    secret_deleted: bool


class Label(Out):
    id: str
    name: str
    type: str
    messages_total: int
    messages_unread: int


class Labels(Out):
    labels: list[Label]


def _message_name(name: str) -> str:
    """camelCase, and ``sender`` as ``from`` (a Python keyword)."""
    head, *rest = name.split("_")
    return "from" if name == "sender" else head + "".join(p.title() for p in rest)


class Message(Out, rename=_message_name):
    id: str
    thread_id: str | None
    sender: str | None
    subject: str | None
    date: str | None
    snippet: str | None
    status: str | None


class Messages(Out):
    messages: list[Message]
    next_page_token: str | None


class BatchAccepted(Out):
    batch_id: str


class Erased(Out):
    """A renter erased: the lead and how many of its emails' records were cleared."""

    lead_id: str
    emails: int


class RetryEntry(Out):
    message_id: str
    error: str | None
    error_class: str | None
    attempts: int
    state: str
    next_attempt_at: Time


class BatchStatus(Out):
    batch_id: str
    status: str
    trigger: str
    total: int
    processed: int
    succeeded: int
    failed: int
    skipped: int
    dead: int
    progress: str
    percent_complete: float
    retry: list[RetryEntry]
    created_at: Time
    started_at: Time
    completed_at: Time


class Retried(Out):
    retried: int


class BatchItem(Out):
    batch_id: str
    trigger: str
    total: int
    created_at: Time


class History(Out):
    batches: list[BatchItem]
    total: int
    next_cursor: str | None


class Property(msgspec.Struct, kw_only=True):
    name: str | None = None
    street: str | None
    unit: str | None
    city: str | None
    state: str | None
    zip: str | None


class LeadSummary(msgspec.Struct, kw_only=True):
    """A lead as stored (snake_case names, as the stored record)."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    source: Source | None
    status: LeadStatus
    property: Property | None
    needs_review: bool | None
    review_reasons: list[ReviewReason] | None
    inquiry_count: int | None
    last_inquiry_at: Time
    created_at: Time
    updated_at: Time


class Lead(LeadSummary, kw_only=True):
    notes: str
    inquiries: list[JsonObject]


class LeadList(Out):
    leads: list[LeadSummary]
    next_cursor: str | None
