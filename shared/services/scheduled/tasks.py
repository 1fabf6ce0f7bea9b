"""The scheduled tasks: renew watches (daily), the safety-net sync (every 15 minutes by
default) and the audit (hourly by default), each fanned out as one sync job per mailbox;
and the purge of abandoned consents' tokens (hourly)."""

from __future__ import annotations

from typing import Protocol

from shared.clock import utcnow
from shared.errors import InvalidGrantError, LeadHarvestError
from shared.events import SyncJob
from shared.logs import get_logger
from shared.ports import (
    Configured,
    HoldsAccounts,
    HoldsPending,
    HoldsSecrets,
    Publishes,
    ReachesGmail,
)
from shared.services.mailbox.account_state import mark_needs_reauth
from shared.vocabulary import Trigger


class Ports(
    Configured, Publishes, HoldsAccounts, ReachesGmail, HoldsPending, HoldsSecrets, Protocol
):
    """What the scheduled tasks use of the composition root."""


log = get_logger("renew")


def _queue_syncs(deps: Ports, mailboxes: list[str], trigger: Trigger) -> int:
    """Publish one sync job per mailbox; returns how many."""
    jobs = [SyncJob(mailbox=m, trigger=trigger) for m in mailboxes]
    if jobs:
        deps.publisher.publish(deps.settings.topic_sync, jobs)
    return len(jobs)


def renew_watches(deps: Ports) -> dict[str, int]:
    """Renew each watch; returns counts of renewed, needs_reauth and failed mailboxes."""
    counts = {"renewed": 0, "needs_reauth": 0, "failed": 0}
    renewed = []
    for account in deps.accounts.connected():
        try:
            _, expiry = deps.gmail_for(account).watch(
                deps.settings.gmail_topic_path, account.label_id
            )
        except InvalidGrantError as exc:
            mark_needs_reauth(deps, account, str(exc))
            counts["needs_reauth"] += 1
            continue
        except LeadHarvestError as exc:
            log.error(
                "watch renewal failed",
                extra={"fields": {"mailbox": account.mailbox, "error": exc.code}},
            )
            counts["failed"] += 1
            continue
        deps.accounts.update(account.mailbox, watch_expiration=expiry)
        renewed.append(account.mailbox)
        counts["renewed"] += 1
    _queue_syncs(deps, renewed, "scheduled")
    log.info("watches renewed", extra={"fields": counts})
    return counts


def safety_net(deps: Ports) -> dict[str, int]:
    """A sync of every connected or blocked mailbox, whatever notifications said (a blocked
    one that answers again is connected again)."""
    accounts = deps.accounts.in_states("connected", "blocked")
    queued = _queue_syncs(deps, [a.mailbox for a in accounts], "scheduled")
    log.info("safety-net syncs queued", extra={"fields": {"mailboxes": queued}})
    return {"synced": queued}


def audit_all(deps: Ports) -> dict[str, int]:
    """An audit of every connected mailbox (run by the sync function, under its lease)."""
    queued = _queue_syncs(deps, [a.mailbox for a in deps.accounts.connected()], "audit")
    log.info("audits queued", extra={"fields": {"mailboxes": queued}})
    return {"audits": queued}


PURGE_PAGE = 500  # abandoned consents one purge deletes (the next one takes the rest)


def purge_pending(deps: Ports) -> dict[str, int]:
    """Delete the token of every consent nobody confirmed within its ten minutes, and its
    pending document (Firestore's TTL removes only the document, a day later). Deleted,
    never revoked: revoking a token of the grant would revoke a bound mailbox's too."""
    purged = 0
    for pending in deps.pending.expired(utcnow(), PURGE_PAGE):
        deps.secrets.delete(pending.secret_name)
        deps.pending.drop(pending.id)
        purged += 1
    log.info("abandoned consents purged", extra={"fields": {"purged": purged}})
    return {"purged": purged}


TASKS = {"renew": renew_watches, "sync": safety_net, "audit": audit_all, "purge": purge_pending}
