"""The ports services receive: one small Protocol per capability, each naming the
repository Protocol it hands out. A service declares the combination it uses; the
composition root (``shared.bootstrap.Deps``) satisfies them all with the Firestore and Google
adapters, and a unit test with the in-memory fakes of ``tests/fakes``. Nothing here imports
a store: the records the repositories exchange live in ``shared.records``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from shared.types import JsonObject, Sdk

if TYPE_CHECKING:
    from shared.auth import TokenVerifier
    from shared.batch_figures import BatchSummary, StuckChunk
    from shared.config import Settings
    from shared.gmail.budget import FetchBudget
    from shared.gmail.gateway import Gmail
    from shared.parsing import Lead
    from shared.pubsub import Publisher
    from shared.records import (
        Account,
        AuditReport,
        BatchEmail,
        EmailRecord,
        Failure,
        Grant,
        Pending,
        RetryEntry,
        State,
    )
    from shared.secrets import SecretStore
    from shared.vocabulary import Correction, Outcomes, RetryState


class AccountRepo(Protocol):
    """Mailbox accounts: state, label, cursor, holds."""

    def get(self, mailbox: str) -> Account | None: ...
    def save(self, account: Account) -> None: ...
    def claim(self, account: Account) -> Account | None: ...
    def update(self, mailbox: str, **fields: Sdk) -> None: ...
    def record_audit(self, mailbox: str, report: AuditReport) -> None: ...
    def flag_if_same_connection(self, account: Account, **fields: Sdk) -> bool: ...
    def advance_cursor(self, mailbox: str, history_id: int, when: datetime) -> bool: ...
    def connected(self) -> list[Account]: ...
    def in_states(self, *states: State) -> list[Account]: ...
    def owned_by(self, user: str) -> list[Account]: ...


class BatchRepo(Protocol):
    """Batches, their chunks' ids and outcomes, and the follower markers."""

    def create(
        self,
        batch_id: str,
        mailbox: str,
        trigger: str,
        chunks: dict[str, list[str]],
        now: datetime,
        owner: str,
    ) -> bool: ...
    def chunk_ids(self, batch_id: str, chunk_id: str) -> list[str]: ...
    def claim_send(self, batch_id: str, chunk_id: str) -> bool: ...
    def sent(self, batch_id: str, chunk_id: str) -> None: ...
    def release_send(self, batch_id: str, chunk_id: str) -> None: ...
    def stuck(self, quiet_since: datetime, now: datetime, pages: int) -> list[StuckChunk]: ...
    def in_flight(self, mailbox: str) -> tuple[int, set[str]]: ...
    def planned_ids(self, batch_ids: set[str]) -> set[str]: ...
    def stuck_count(self, mailbox: str) -> int: ...
    def active(self, owner: str, mailbox: str, limit: int) -> list[str]: ...
    def record(
        self,
        batch_id: str,
        chunk_id: str,
        outcomes: Outcomes,
        now: datetime,
        *,
        started: datetime | None = None,
    ) -> None: ...
    def recorded(self, batch_id: str, chunk_id: str) -> set[str]: ...
    def summary(self, batch_id: str) -> BatchSummary | None: ...
    def recent(self, limit: int, mailbox: str | None = None) -> list[JsonObject]: ...
    def history(
        self, owner: str, mailbox: str, limit: int, cursor: str | None
    ) -> tuple[list[JsonObject], int, str | None]: ...


class LeadRepo(Protocol):
    """Email records, leads and kept raw emails."""

    def store(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord: ...
    def reparse(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord: ...
    def raw(self, mailbox: str, gmail_id: str) -> bytes | None: ...
    def existing(self, mailbox: str, ids: list[str]) -> dict[str, EmailRecord]: ...
    def correct(
        self, mailbox: str, gmail_id: str, owner: str, truth: Correction, now: datetime
    ) -> str: ...
    def hand_over(self, mailbox: str, owner: str, *, force: bool = False) -> int: ...
    def erase(self, owner: str, lead_id: str, lead: JsonObject) -> int: ...


class RecordCounts(Protocol):
    """Counts over the records (the audit's first look; health's unrecognised emails)."""

    def recorded_count(self, mailbox: str, owner: str) -> int: ...
    def unrecognised_count(self, mailbox: str, owner: str) -> int: ...


class RetryRepo(Protocol):
    """The retry list."""

    def fail(
        self,
        mailbox: str,
        batch_id: str,
        chunk_id: str,
        failure: Failure,
        now: datetime,
        park: bool = False,
        *,
        owner: str,
        trigger: str = "retry",
    ) -> RetryState: ...
    def resolve(self, mailbox: str, batch_id: str, gmail_ids: list[str], now: datetime) -> None: ...
    def due(self, now: datetime, limit: int) -> list[RetryEntry]: ...
    def for_batch(self, batch_id: str, states: tuple[str, ...]) -> list[RetryEntry]: ...
    def next_mailbox(self, state: str, after: str | None) -> str | None: ...
    def for_mailbox(self, mailbox: str, state: str) -> list[RetryEntry]: ...
    def count(self, mailbox: str, state: str) -> int: ...
    def parked(self, entries: list[RetryEntry], now: datetime) -> None: ...
    def requeued(self, entries: list[RetryEntry], until: datetime) -> None: ...


class LeaseRepo(Protocol):
    """Named leases (one holder at a time, expiring)."""

    def hold(self, name: str, ttl: timedelta) -> AbstractContextManager[str]: ...


class QuotaLimiter(Protocol):
    """A mailbox's Gmail quota, shared by every instance, handed out in blocks."""

    @property
    def block_units(self) -> int: ...
    def acquire(self, mailbox: str, units: int, max_wait_s: float | None = None) -> float: ...


class OAuthStateRepo(Protocol):
    """Single-use OAuth states."""

    def create(
        self, state: str, user: str, code_verifier: str, now: datetime, browser_hash: str = ""
    ) -> None: ...
    def consume(self, state: str, now: datetime, browser_hash: str) -> Grant: ...


class PendingRepo(Protocol):
    """Consents waiting for their starter's confirmation."""

    def create(self, pending: Pending, now: datetime) -> None: ...
    def take(self, pending_id: str, now: datetime) -> Pending | None: ...
    def expired(self, now: datetime, limit: int) -> list[Pending]: ...
    def drop(self, pending_id: str) -> None: ...


class Configured(Protocol):
    @property
    def settings(self) -> Settings: ...


class Verifies(Protocol):
    @property
    def verifier(self) -> TokenVerifier: ...


class Publishes(Protocol):
    @property
    def publisher(self) -> Publisher: ...


class HoldsAccounts(Protocol):
    @property
    def accounts(self) -> AccountRepo: ...


class HoldsBatches(Protocol):
    @property
    def batches(self) -> BatchRepo: ...


class HoldsRetries(Protocol):
    @property
    def retries(self) -> RetryRepo: ...


class HoldsLeads(Protocol):
    @property
    def leads(self) -> LeadRepo: ...


class CountsRecords(Protocol):
    @property
    def lead_queries(self) -> RecordCounts: ...


class HoldsLeases(Protocol):
    @property
    def leases(self) -> LeaseRepo: ...


class SharesQuota(Protocol):
    @property
    def quota(self) -> QuotaLimiter: ...


class BoundsFetches(Protocol):
    @property
    def fetch_budget(self) -> FetchBudget: ...


class HoldsOAuthStates(Protocol):
    @property
    def oauth_states(self) -> OAuthStateRepo: ...


class HoldsPending(Protocol):
    @property
    def pending(self) -> PendingRepo: ...


class HoldsSecrets(Protocol):
    @property
    def secrets(self) -> SecretStore: ...


class ReachesGmail(Protocol):
    def gmail_for(self, account: Account) -> Gmail: ...

    def gmail_with(self, credentials: Sdk) -> Gmail: ...

    def forget_gmail(self, account: Account) -> None: ...


class Queues(Configured, Publishes, HoldsBatches, HoldsLeads, Protocol):
    """What queuing a batch of emails needs (``sync.queue_batch``)."""
