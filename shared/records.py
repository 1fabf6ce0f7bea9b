"""The small typed records the stores hand to the use cases (no storage code here, so the
ports and the tests' in-memory fakes can name them)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from shared.types import JsonObject
from shared.vocabulary import AccountState, Correction, Outcome, RetryState

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

State = AccountState
R = TypeVar("R", bound="DataclassInstance")


def from_stored(record: type[R], data: JsonObject) -> R:
    """A record of a stored document or map (the fields it does not know are ignored)."""
    known = {f.name for f in fields(record)}
    return record(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class AuditReport:
    """A mailbox's last audit, kept on its account (``services/scheduled/audit.py``)."""

    label_total: int = 0  # the lead label's messagesTotal
    recorded: int = 0  # email records of the mailbox
    in_flight: int = 0  # emails of open batches without a final outcome
    unlisted: int = 0  # label messages messages.list does not show (Trash, Spam), last measured
    missing: int = 0
    queued: int = 0
    batch_id: str | None = None  # the batch that queued the missing ones
    full: bool = False  # compared id by id this time
    full_at: datetime | None = None  # the last compare id by id
    at: datetime | None = None


@dataclass
class Account:
    """One connected mailbox. Never holds a token: only the secret's name."""

    mailbox: str
    state: State
    owner: str
    label_id: str
    label_name: str
    secret_name: str
    history_id: int = 0
    watch_expiration: datetime | None = None
    last_sync_at: datetime | None = None
    reason: str | None = None
    connected_at: datetime | None = None  # which connection: cached credentials are per one
    gmail_retry_at: datetime | None = None  # Gmail's Retry-After for the whole mailbox
    gmail_down_since: datetime | None = None  # Gmail failed the mailbox's every call since
    gmail_down_strikes: int = 0  # outage pauses in a row (each longer: gmail_access.py)
    audit: AuditReport | None = None  # the last audit


@dataclass(frozen=True)
class Failure:
    """One email that could not be processed this time."""

    gmail_id: str
    error_class: str
    message: str
    not_before: datetime | None = None  # Gmail's Retry-After: no attempt before it
    throttled: bool = False  # Gmail's rate or concurrency limit: never counts as an attempt
    # Gmail itself was down for the mailbox (an outage): no attempt counted for
    # ``OUTAGE_GRACE`` after the entry's first failure (retries.py)
    transient: bool = False


@dataclass(frozen=True)
class Grant:
    """A consumed OAuth state: who started the consent, and the PKCE verifier of its code."""

    user: str
    code_verifier: str


@dataclass(frozen=True)
class Pending:
    """A granted consent: who started it, which mailbox, where its token waits."""

    id: str
    user: str
    mailbox: str
    secret_name: str
    expired: bool = False  # older than its ten minutes: only its secret is of use (deleted)


@dataclass(frozen=True)
class EmailRecord:
    """What happened to one email of a mailbox: its idempotency record as the use cases see it."""

    outcome: Outcome
    lead_id: str | None = None
    batch_id: str = ""  # the batch that recorded it (a later batch's copy is a duplicate)
    correction: Correction | None = None  # what a person said it is, if anyone did
    owner: str = ""  # whose record it is (a former owner's until the hand-over moves it)


@dataclass(frozen=True)
class BatchEmail:
    """This email of this mailbox, processed in this batch for this owner."""

    mailbox: str
    gmail_id: str
    batch_id: str
    owner: str


@dataclass(frozen=True)
class RetryEntry:
    """One email's place in the retry list of one batch."""

    mailbox: str
    message_id: str
    batch_id: str
    chunk_id: str
    state: RetryState
    owner: str = ""
    trigger: str = "retry"  # "reparse" for a failed re-parse, else "retry"
    attempts: int = 0
    error_class: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
