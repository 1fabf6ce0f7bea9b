"""A composition root of in-memory fakes: everything the use cases receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.config import Settings, load
from shared.gmail.budget import FetchBudget
from shared.records import Account
from shared.types import Sdk
from tests.fakes import google, stores

MAILBOX = "landlord@example.com"
OWNER = "owner@example.com"
LABEL = "Label_7"
TOPICS = {"TOPIC_LIVE": "live", "TOPIC_BATCHES": "bulk", "TOPIC_SYNC": "sync"}


def account(**fields: object) -> Account:
    """A connected account of ``MAILBOX`` (fields override)."""
    base: dict[str, object] = {
        "mailbox": MAILBOX,
        "state": "connected",
        "owner": OWNER,
        "label_id": LABEL,
        "label_name": "Processed lead",
        "secret_name": "gmail-refresh-x",
        "history_id": 100,
        "connected_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    return Account(**{**base, **fields})  # type: ignore[arg-type]


def settings(**env: str) -> Settings:
    """Defaults, small chunks, the fakes' topic names, then ``env``."""
    return load({"CHUNK_SIZE": "5", "RETRY_MAX_ATTEMPTS": "3", **TOPICS, **env})


@dataclass
class Deps:
    """Satisfies every port of ``shared/ports.py`` in memory."""

    settings: Settings = field(default_factory=settings)
    accounts: stores.Accounts = field(default_factory=lambda: stores.Accounts(account()))
    batches: stores.Batches = field(default_factory=stores.Batches)
    leads: stores.Leads = field(default_factory=stores.Leads)
    retries: stores.Retries = field(default_factory=lambda: stores.Retries(3))
    leases: stores.Leases = field(default_factory=stores.Leases)
    quota: stores.Quota = field(default_factory=stores.Quota)
    pending: stores.Pendings = field(default_factory=stores.Pendings)
    oauth_states: stores.OAuthStates = field(default_factory=stores.OAuthStates)
    publisher: google.Publisher = field(default_factory=google.Publisher)
    secrets: google.Secrets = field(default_factory=google.Secrets)
    gmail: google.Gmail = field(default_factory=google.Gmail)
    forgotten: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fetch_budget = FetchBudget(
            self.settings.fetch_budget_bytes, self.settings.email_max_bytes
        )

    @property
    def lead_queries(self) -> stores.Leads:
        return self.leads

    def gmail_for(self, account: Account) -> google.Gmail:
        return self.gmail

    def gmail_with(self, credentials: Sdk) -> google.Gmail:
        return self.gmail

    def forget_gmail(self, account: Account) -> None:
        self.forgotten.append(account.mailbox)
