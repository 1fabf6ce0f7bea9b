"""A mailbox's health as the frontend shows it: ``ok``, ``degraded`` or ``broken``, with the
reasons (see ``shared.vocabulary.HealthReason``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from shared.clock import utcnow
from shared.errors import ClientRejectedError
from shared.ports import Configured, CountsRecords, HoldsBatches, HoldsRetries
from shared.records import Account
from shared.vocabulary import BROKEN_REASONS, Health, HealthReason


class Ports(Configured, HoldsRetries, HoldsBatches, CountsRecords, Protocol):
    """What the health check uses of the composition root."""


WATCH_WARNING = timedelta(days=1)


def mailbox_health(
    deps: Ports, account: Account, unrecognised: int | None = None
) -> tuple[Health, list[HealthReason]]:
    """The mailbox's health and every reason it is not ``ok``.

    Args:
        deps: The composition root.
        account: The mailbox.
        unrecognised: How many of its emails wait for a person, when the caller counted
            them already (None: counted here).
    """
    now = utcnow()
    reasons: list[HealthReason] = []
    if account.state == "blocked" and (account.reason or "").startswith(ClientRejectedError.REASON):
        reasons.append("misconfigured")
    elif account.state in ("needs_reauth", "blocked"):
        reasons.append(account.state)
    elif account.state != "connected":
        reasons.append("not_connected")
    else:
        expiry = account.watch_expiration
        if expiry is None or expiry <= now:
            reasons.append("watch_expired")
        elif expiry <= now + WATCH_WARNING:
            reasons.append("watch_expiring")
        stale = timedelta(minutes=2 * deps.settings.safety_net_minutes)
        if account.last_sync_at is None or now - account.last_sync_at > stale:
            reasons.append("sync_stale")
    if account.gmail_down_since is not None:  # paused, resumes on its own
        reasons.append("gmail_unavailable")
    if account.audit is not None and account.audit.missing:
        reasons.append("audit_missing")
    if deps.retries.count(account.mailbox, "dead"):
        reasons.append("dead_emails")
    if unrecognised is None:
        unrecognised = deps.lead_queries.unrecognised_count(account.mailbox, account.owner)
    if unrecognised:
        reasons.append("unrecognised")
    if deps.batches.stuck_count(account.mailbox):  # found by the sweep (no chunk read here)
        reasons.append("stuck_batches")
    if BROKEN_REASONS.intersection(reasons):
        return "broken", reasons
    return ("degraded" if reasons else "ok"), reasons
