"""Every change of a mailbox's state the pipeline makes on what Google answers: needs
re-consent (the token was refused), blocked (a Workspace policy), reachable again. Each
change applies only to the connection the work started on, so work of an older connection
never flags a newer one."""

from __future__ import annotations

from typing import Protocol

from shared.errors import ClientRejectedError
from shared.logs import get_logger
from shared.ports import HoldsAccounts, ReachesGmail
from shared.records import Account

log = get_logger("account_state")


class Reauthorises(HoldsAccounts, ReachesGmail, Protocol):
    """What marking a mailbox as needing re-consent uses."""


def mark_needs_reauth(deps: Reauthorises, account: Account, reason: str) -> None:
    """The token was revoked or expired: stop work for the mailbox until it reconnects. Work
    that started on an older connection never flags a newer one."""
    deps.forget_gmail(account)
    if deps.accounts.flag_if_same_connection(account, state="needs_reauth", reason=reason):
        log.warning("mailbox needs re-consent", extra={"fields": {"mailbox": account.mailbox}})


def mark_blocked(deps: HoldsAccounts, account: Account, reason: str) -> None:
    """A Workspace policy or permission stops access: the mailbox is ``blocked`` (its work
    parked) until a sync works again."""
    if not deps.accounts.flag_if_same_connection(account, state="blocked", reason=reason):
        return
    if reason.startswith(ClientRejectedError.REASON):  # the operator's to fix: it alerts
        log.error("oauth client refused by google", extra={"fields": {"reason": reason}})
    else:
        log.warning("mailbox blocked", extra={"fields": {"mailbox": account.mailbox}})


def mark_reachable(deps: HoldsAccounts, account: Account) -> None:
    """A sync of a blocked mailbox worked: it is connected again (the retry sweep resumes
    its parked work)."""
    if account.state == "blocked" and deps.accounts.flag_if_same_connection(
        account, state="connected", reason=None
    ):
        account.state = "connected"
        log.info("mailbox reachable again", extra={"fields": {"mailbox": account.mailbox}})
