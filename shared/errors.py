"""One error tree: Retryable (redeliver or retry later) vs Permanent (record and ack).

Adapters wrap SDK errors into these with ``raise … from exc`` so services and
entry points decide by branch, never by SDK type. The errors know nothing of HTTP:
``shared.http.to_http`` is the one place that turns them into a status and an envelope.
"""

from __future__ import annotations

from datetime import datetime

from shared.types import Json


class LeadHarvestError(Exception):
    """Root of every error this project raises on purpose.

    Attributes:
        code: Stable machine-readable code (what went wrong).
        retryable: Whether the same work may succeed later.
    """

    code = "internal"
    retryable = False

    def __init__(self, message: str, *, details: Json = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class RetryableError(LeadHarvestError):
    """Transient: the same work may succeed later (429, 5xx, deadline, contention)."""

    code = "unavailable"
    retryable = True


class PermanentError(LeadHarvestError):
    """Will fail the same way every time: record it and acknowledge."""

    code = "failed_precondition"


class GmailRateLimitError(RetryableError):
    """Gmail answered 429 / rateLimitExceeded; ``retry_at`` is when Gmail said to come back
    (its ``Retry-After`` header or "Retry after <time>" text), if it said."""

    code = "gmail_rate_limited"

    def __init__(self, message: str, *, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class QuotaBusyError(RetryableError):
    """The mailbox's Gmail quota is reserved further ahead than a worker should wait: the
    message goes back to Pub/Sub (redelivered after its backoff) instead of holding a slot."""

    code = "quota_busy"


class GmailUnavailableError(RetryableError):
    """Gmail answered 5xx or the connection failed."""

    code = "gmail_unavailable"


class StoreContentionError(RetryableError):
    """Firestore aborted a transaction or timed out."""

    code = "store_contention"


class StoreRejectedError(PermanentError):
    """Firestore refused one write for its content (too large, an invalid value): that
    email fails on its own, the rest of its chunk goes on."""

    code = "store_rejected"


class PublishError(RetryableError):
    """Publishing to Pub/Sub failed."""

    code = "publish_failed"


class MalformedPayloadError(PermanentError):
    """A push body, event or request that cannot be decoded."""

    code = "malformed_payload"


class ValidationError(PermanentError):
    """Request fields that fail validation; ``details`` lists the failing fields."""

    code = "invalid_argument"


class MessageGoneError(PermanentError):
    """The Gmail message no longer exists (deleted or moved out of reach)."""

    code = "message_gone"


class NotFoundError(PermanentError):
    """A resource this project stores does not exist."""

    code = "not_found"


class InvalidGrantError(PermanentError):
    """The refresh token was revoked or expired: the account needs re-consent."""

    code = "needs_reauth"


class MailboxBlockedError(PermanentError):
    """A Workspace policy or permission stops access to the mailbox (the domain disabled
    Gmail apps, mail service not enabled, scopes not granted): the mailbox is ``blocked``
    until a sync succeeds again."""

    code = "blocked"


class ClientRejectedError(MailboxBlockedError):
    """Google refused the deployment's own OAuth client (``invalid_client``,
    ``unauthorized_client``: its id or secret is wrong, or was rotated): a configuration
    error, not Gmail's nor the mailbox's. The mailbox's work waits (``blocked`` with a reason
    starting ``REASON``, health ``misconfigured``) until a sync works again."""

    code = "misconfigured"
    REASON = "misconfigured:"


class UnauthenticatedError(PermanentError):
    """Missing, malformed, expired or forged credentials."""

    code = "unauthenticated"


class ForbiddenError(PermanentError):
    """Valid credentials that are not allowed here."""

    code = "permission_denied"


class ConfigError(LeadHarvestError):
    """A required setting is missing or invalid: neither branch, it fails loudly (5xx and an
    ERROR entry) and is never acknowledged, so no work is dropped while it is fixed."""

    code = "config"


class ConflictError(PermanentError):
    """The request contradicts what is stored (a mailbox another user connected)."""

    code = "conflict"


class NotConnectedError(ConflictError):
    """The mailbox was disconnected: nothing reaches its Gmail until it is connected again."""

    code = "not_connected"


class PreconditionFailedError(PermanentError):
    """An edit based on a stale copy (``If-Match`` names an older version of the resource)."""

    code = "precondition_failed"


class ScopeMissingError(ForbiddenError):
    """Google's consent came back without the Gmail scope (the user unticked it): nothing
    is connected."""

    code = "scope_missing"


class StartedByAnotherError(ForbiddenError):
    """A pending connection confirmed by another user than the one who started it (a
    forced start): it is discarded, nothing is connected."""

    code = "started_by_another"
