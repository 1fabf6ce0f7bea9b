"""The scheduled tasks: renew watches (daily), the safety-net sync (every 15 minutes by
default) and the audit (hourly by default), each fanned out as one sync job per mailbox."""

from __future__ import annotations

from typing import Protocol

from shared.errors import InvalidGrantError, LeadHarvestError
from shared.events import SyncJob
from shared.logs import get_logger
from shared.ports import Configured, HoldsAccounts, Publishes, ReachesGmail
from shared.services.sync import mark_needs_reauth


class Ports(Configured, Publishes, HoldsAccounts, ReachesGmail, Protocol):
    """What renew uses of the composition root."""


log = get_logger("renew")


def gmail_topic(deps: Ports) -> str:
    """Full name of the topic Gmail publishes notifications to."""
    s = deps.settings
    return f"projects/{s.google_cloud_project}/topics/{s.topic_gmail}"


def renew_watches(deps: Ports) -> dict[str, int]:
    """Renew each watch; returns counts of renewed, needs_reauth and failed mailboxes."""
    counts = {"renewed": 0, "needs_reauth": 0, "failed": 0}
    jobs = []
    for account in deps.accounts.connected():
        try:
            _, expiry = deps.gmail_for(account).watch(gmail_topic(deps), account.label_id)
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
        jobs.append(SyncJob(mailbox=account.mailbox, trigger="scheduled"))
        counts["renewed"] += 1
    if jobs:
        deps.publisher.publish(deps.settings.topic_sync, jobs)
    log.info("watches renewed", extra={"fields": counts})
    return counts


def safety_net(deps: Ports) -> dict[str, int]:
    """A sync of every connected or blocked mailbox, whatever notifications said (a blocked
    one that answers again is connected again)."""
    accounts = deps.accounts.in_states("connected", "blocked")
    jobs = [SyncJob(mailbox=a.mailbox, trigger="scheduled") for a in accounts]
    if jobs:
        deps.publisher.publish(deps.settings.topic_sync, jobs)
    log.info("safety-net syncs queued", extra={"fields": {"mailboxes": len(jobs)}})
    return {"synced": len(jobs)}


def audit_all(deps: Ports) -> dict[str, int]:
    """An audit of every connected mailbox (run by the sync function, under its lease)."""
    jobs = [SyncJob(mailbox=a.mailbox, trigger="audit") for a in deps.accounts.connected()]
    if jobs:
        deps.publisher.publish(deps.settings.topic_sync, jobs)
    log.info("audits queued", extra={"fields": {"mailboxes": len(jobs)}})
    return {"audits": len(jobs)}


TASKS = {"renew": renew_watches, "sync": safety_net, "audit": audit_all}
