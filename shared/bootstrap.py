"""Composition root: every client is built lazily, once per instance, never at import.

Adapter modules are imported inside the property that builds them, so a function loads only
the adapters it uses (the webhook never loads Gmail's client, the parser or Secret Manager).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from shared import config
from shared.types import Sdk

if TYPE_CHECKING:
    from shared.auth import TokenVerifier
    from shared.gmail.budget import FetchBudget
    from shared.gmail.gateway import Gmail
    from shared.pubsub import Publisher
    from shared.records import Account
    from shared.secrets import SecretStore
    from shared.store.accounts import AccountStore
    from shared.store.batches import BatchStore
    from shared.store.lead_queries import LeadQueries
    from shared.store.leads import LeadStore
    from shared.store.locks import Leases
    from shared.store.oauth_states import OAuthStates
    from shared.store.pending import PendingConnections
    from shared.store.quota import QuotaSlots
    from shared.store.retries import RetryStore

# ruff: noqa: PLC0415 - adapters are imported where they are built, on first use

QUOTA_SHARE = 0.98  # the rest of the per-user quota is left for sync and API reads
QUOTA_BLOCK_MESSAGES = 5  # reservations are made in blocks of this many messages.get
GmailKey = tuple[str, str, str]


def _gmail_key(account: Account) -> GmailKey:
    """Cached credentials belong to one connection: a reconnect never reuses stale ones."""
    return (account.mailbox, account.secret_name, str(account.connected_at))


@dataclass
class Deps:
    """Everything the services use; built on first access."""

    settings: config.Settings
    _creds: dict[GmailKey, Sdk] = field(default_factory=dict)
    _local: threading.local = field(default_factory=threading.local)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def db(self) -> Sdk:
        """Firestore client (the emulator when ``FIRESTORE_EMULATOR_HOST`` is set)."""
        from google.cloud import firestore

        return firestore.Client(project=self.settings.google_cloud_project)

    @cached_property
    def accounts(self) -> AccountStore:
        """Account repository."""
        from shared.store.accounts import AccountStore

        return AccountStore(self.db)

    @cached_property
    def batches(self) -> BatchStore:
        """Batch repository."""
        from shared.store.batches import BatchStore

        return BatchStore(self.db)

    @cached_property
    def lead_queries(self) -> LeadQueries:
        """The API's lead reads and edits."""
        from shared.store.lead_queries import LeadQueries

        return LeadQueries(self.db)

    @cached_property
    def leads(self) -> LeadStore:
        """Lead and message-record repository."""
        from shared.store.leads import LeadStore

        s = self.settings
        return LeadStore(self.db, s.lead_key_secret, s.raw_retention_days)

    @cached_property
    def retries(self) -> RetryStore:
        """Retry list."""
        from shared.store.retries import RetryStore

        return RetryStore(self.db, self.settings.retry_max_attempts)

    @cached_property
    def leases(self) -> Leases:
        """Lease locks."""
        from shared.store.locks import Leases

        return Leases(self.db)

    @cached_property
    def oauth_states(self) -> OAuthStates:
        """OAuth state store."""
        from shared.store.oauth_states import OAuthStates

        return OAuthStates(self.db)

    @cached_property
    def pending(self) -> PendingConnections:
        """Consents waiting for their starter's confirmation."""
        from shared.store.pending import PendingConnections

        return PendingConnections(self.db)

    @cached_property
    def quota(self) -> QuotaSlots:
        """The shared Gmail quota limiter."""
        from shared.store.quota import QuotaSlots

        units = self.settings.gmail_quota_units * QUOTA_SHARE
        return QuotaSlots(self.db, units, block_units=5 * QUOTA_BLOCK_MESSAGES)

    @cached_property
    def fetch_budget(self) -> FetchBudget:
        """Raw email this process may hold at once (every chunk of every request shares it)."""
        from shared.gmail.budget import FetchBudget

        s = self.settings
        return FetchBudget(s.fetch_budget_bytes, s.email_max_bytes)

    @cached_property
    def publisher(self) -> Publisher:
        """Pub/Sub publisher."""
        from google.cloud import pubsub_v1  # type: ignore[attr-defined]

        from shared.pubsub import PubSubPublisher

        return PubSubPublisher(pubsub_v1.PublisherClient(), self.settings.google_cloud_project)

    @cached_property
    def secrets(self) -> SecretStore:
        """Secret store chosen by ``SECRETS_BACKEND``."""
        from shared.secrets import LocalSecretStore, SecretManagerStore

        if self.settings.secrets_backend == "local":
            return LocalSecretStore(self.settings.local_secrets_dir)
        from google.cloud import secretmanager

        project = self.settings.google_cloud_project
        endpoint = self.settings.secret_manager_endpoint
        if not endpoint:
            return SecretManagerStore(secretmanager.SecretManagerServiceClient(), project)
        from google.auth.credentials import AnonymousCredentials

        client = secretmanager.SecretManagerServiceClient(
            transport="rest",
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": endpoint},
        )
        return SecretManagerStore(client, project)

    @cached_property
    def verifier(self) -> TokenVerifier:
        """ID-token verifier for the configured issuer."""
        from shared.auth import TokenVerifier

        return TokenVerifier(self.settings.oidc_issuer, self.settings.oidc_certs_url)

    def gmail_for(self, account: Account) -> Gmail:
        """A Gmail client for the account.

        Credentials (and so the access token) are shared by the instance's threads; the
        client itself is per thread, because httplib2 connections are not thread-safe.
        """
        from shared.gmail.client import credentials, gmail_service
        from shared.gmail.gateway import GoogleGmail

        key = _gmail_key(account)
        s = self.settings
        with self._lock:
            creds = self._creds.get(key)
            if creds is None:
                creds = credentials(
                    self.secrets.get(account.secret_name),
                    s.oauth_client_id,
                    s.oauth_client_secret,
                    s.oauth_token_uri,
                )
                self._creds[key] = creds
        clients: dict[GmailKey, tuple[Sdk, Gmail]] = self._local.__dict__.setdefault("gmail", {})
        cached = clients.get(key)
        if cached is None or cached[0] is not creds:
            endpoint = s.gmail_api_endpoint
            cached = (creds, GoogleGmail(gmail_service(creds, endpoint), endpoint))
            clients[key] = cached
        return cached[1]

    def gmail_with(self, credentials: Sdk) -> Gmail:
        """A Gmail client for fresh OAuth credentials (a mailbox being connected)."""
        from shared.gmail.client import gmail_service
        from shared.gmail.gateway import GoogleGmail

        endpoint = self.settings.gmail_api_endpoint
        return GoogleGmail(gmail_service(credentials, endpoint), endpoint)

    def forget_gmail(self, account: Account) -> None:
        """Drop cached credentials (after ``invalid_grant`` or a disconnect)."""
        with self._lock:
            self._creds.pop(_gmail_key(account), None)


_deps: Deps | None = None
_deps_lock = threading.Lock()


def deps() -> Deps:
    """The process's dependencies (created on first call)."""
    global _deps  # noqa: PLW0603 - one composition root per instance
    with _deps_lock:
        if _deps is None:
            _deps = Deps(settings=config.get())
        return _deps
