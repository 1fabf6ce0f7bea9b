"""What the API answers with, as models: serialised with msgspec and described in the OpenAPI
document from the same classes."""

from __future__ import annotations

import msgspec

from shared.api.contract import (
    AccountState,
    BatchState,
    Health,
    HealthReason,
    Outcome,
    RetryState,
    ReviewReason,
    Time,
    Trigger,
)


class Out(msgspec.Struct, kw_only=True, rename="camel"):
    """A response body (JSON names in camelCase)."""


class ErrorDetails(Out):
    """What an error adds: ``fields`` names each field at fault with what is wrong."""

    fields: dict[str, str]


class ErrorDetail(Out):
    """What went wrong: a stable ``code``, a message for a person, and details."""

    code: str
    message: str
    details: ErrorDetails | None


class Error(Out):
    """The one error envelope every route answers with."""

    error: ErrorDetail


class LabelRef(Out):
    """The Gmail label whose emails are leads."""

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
    """One mailbox's connection and health (``reasons`` say why it is not ok)."""

    connected: bool
    mailbox: str | None
    state: AccountState
    label: LabelRef | None
    watch_expiration: Time
    last_sync_at: Time
    reason: str | None
    health: Health
    reasons: list[HealthReason]
    unrecognised: int  # emails waiting for a person to say what they are (GET /gmail/unrecognised)
    audit: Audit | None


class Mailboxes(Out):
    """Every mailbox the caller connected, with its connection and health."""

    mailboxes: list[GmailStatus]


class AuthUrl(Out):
    """Where the browser starts connecting a mailbox."""

    url: str


class Connected(Out):
    """The mailbox is connected (``connected`` is always true)."""

    connected: bool
    mailbox: str


class Disconnected(Out):
    """What disconnecting did (each step may fail on its own; leads stay)."""

    mailbox: str
    watch_stopped: bool
    token_revoked: bool
    secret_deleted: bool


class Label(Out):
    """A Gmail label with its message counts."""

    id: str
    name: str
    type: str
    messages_total: int
    messages_unread: int


class Labels(Out):
    """The mailbox's labels."""

    labels: list[Label]


def _message_name(name: str) -> str:
    """camelCase, and ``sender`` as ``from`` (a Python keyword)."""
    head, *rest = name.split("_")
    return "from" if name == "sender" else head + "".join(p.title() for p in rest)


class Message(Out, rename=_message_name):
    """One Gmail message and what became of it here (``status``: null when not processed)."""

    id: str
    thread_id: str | None
    sender: str | None
    subject: str | None
    date: str | None
    snippet: str | None
    status: Outcome | None


class Messages(Out):
    """A page of the mailbox's messages."""

    messages: list[Message]
    next_page_token: str | None


class BatchAccepted(Out):
    """The batch the work was queued as (follow it on ``/processing/status/{batchId}``)."""

    batch_id: str


class Erased(Out):
    """A renter erased: the lead and how many of its emails' records were cleared."""

    lead_id: str
    emails: int


class RetryEntry(Out):
    """An email of a batch in the retry list."""

    message_id: str
    error: str | None
    error_class: str | None
    attempts: int
    state: RetryState
    next_attempt_at: Time


class BatchProgress(Out):
    """A batch and how far it got: ``startedAt`` when its first email began, ``completedAt``
    when its last one ended; ``nextRetryAt`` while emails wait in the retry list."""

    batch_id: str
    status: BatchState
    trigger: Trigger
    total: int
    processed: int
    succeeded: int
    failed: int
    skipped: int
    dead: int
    progress: str
    percent_complete: float
    next_retry_at: Time
    created_at: Time
    started_at: Time
    completed_at: Time


class BatchStatus(BatchProgress):
    """A batch's figures and the emails of its retry list."""

    retry: list[RetryEntry]


class Retried(Out):
    """How many emails went back to processing."""

    retried: int


class History(Out):
    """A page of batches, newest first, and how many there are."""

    batches: list[BatchProgress]
    total: int
    next_cursor: str | None


class UnrecognisedEmail(Out):
    """An email of the lead label the parser could name no outcome for: a person decides
    (``POST /gmail/messages/{messageId}/lead`` or ``…/not-lead``)."""

    message_id: str
    subject: str | None  # as the email gives it (at most 200 characters)
    sender: str | None  # ``Name <address>``
    received_at: Time  # the email's Date
    processed_at: Time
    reasons: list[ReviewReason]  # ``unrecognised``
    limits_hit: list[str]  # the bound that cut it, if one did (``email_bytes``, ``parser``…)


class UnrecognisedEmails(Out):
    """A page of unrecognised emails, newest processed first, and how many wait in all."""

    emails: list[UnrecognisedEmail]
    total: int
    next_cursor: str | None


class NotLeadConfirmed(Out):
    """A person confirmed an email is not a lead: it left the list of unrecognised emails."""

    message_id: str
    outcome: Outcome
