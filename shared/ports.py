"""The ports services receive: one small Protocol per capability. A service declares the
combination it uses; the composition root (``shared.bootstrap.Deps``) satisfies them all, and
a test can pass anything that has just those members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from shared.types import Sdk

if TYPE_CHECKING:
    from shared.auth import TokenVerifier
    from shared.config import Settings
    from shared.gmail.budget import FetchBudget
    from shared.gmail.gateway import Gmail
    from shared.pubsub import Publisher
    from shared.secrets import SecretStore
    from shared.store.accounts import Account, AccountStore
    from shared.store.batches import BatchStore
    from shared.store.lead_queries import LeadQueries
    from shared.store.leads import LeadStore
    from shared.store.locks import Leases
    from shared.store.oauth_states import OAuthStates
    from shared.store.pending import PendingConnections
    from shared.store.quota import QuotaSlots
    from shared.store.retries import RetryStore


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
    def accounts(self) -> AccountStore: ...


class HoldsBatches(Protocol):
    @property
    def batches(self) -> BatchStore: ...


class HoldsRetries(Protocol):
    @property
    def retries(self) -> RetryStore: ...


class HoldsLeads(Protocol):
    @property
    def leads(self) -> LeadStore: ...


class QueriesLeads(Protocol):
    @property
    def lead_queries(self) -> LeadQueries: ...


class HoldsLeases(Protocol):
    @property
    def leases(self) -> Leases: ...


class SharesQuota(Protocol):
    @property
    def quota(self) -> QuotaSlots: ...


class BoundsFetches(Protocol):
    @property
    def fetch_budget(self) -> FetchBudget: ...


class HoldsOAuthStates(Protocol):
    @property
    def oauth_states(self) -> OAuthStates: ...


class HoldsPending(Protocol):
    @property
    def pending(self) -> PendingConnections: ...


class HoldsSecrets(Protocol):
    @property
    def secrets(self) -> SecretStore: ...


class ReachesGmail(Protocol):
    def gmail_for(self, account: Account) -> Gmail: ...

    def gmail_with(self, credentials: Sdk) -> Gmail: ...

    def forget_gmail(self, account: Account) -> None: ...


class Queues(Configured, Publishes, HoldsBatches, HoldsLeads, Protocol):
    """What queuing a batch of emails needs (``sync.queue_batch``)."""
