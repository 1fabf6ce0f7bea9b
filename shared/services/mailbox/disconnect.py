"""Disconnecting a mailbox: stop the watch, revoke the grant, delete the token; keep the leads."""

from __future__ import annotations

import contextlib
from typing import Protocol

from shared.errors import LeadHarvestError, NotFoundError
from shared.gmail.grants import revoke_grant
from shared.logs import get_logger
from shared.ports import Configured, HoldsAccounts, HoldsSecrets, ReachesGmail
from shared.records import Account


class Ports(Configured, HoldsAccounts, HoldsSecrets, ReachesGmail, Protocol):
    """What disconnect uses of the composition root."""


log = get_logger("disconnect")


def disconnect(deps: Ports, account: Account) -> dict[str, bool]:
    """Stop the watch and revoke the grant (best effort on Google's side: a revoked token
    cannot stop a watch), then delete the token's secret; only then is the mailbox
    ``disconnected``. If the secret cannot be deleted the account stays ``disconnecting`` with
    the reason, and the error is raised (a retry finishes the job)."""
    deps.accounts.update(account.mailbox, state="disconnecting", reason="disconnect in progress")
    done = {"watchStopped": False, "tokenRevoked": False, "secretDeleted": False}
    with contextlib.suppress(LeadHarvestError):
        deps.gmail_for(account).stop()
        done["watchStopped"] = True
    with contextlib.suppress(NotFoundError):
        token = deps.secrets.get(account.secret_name)
        done["tokenRevoked"] = revoke_grant(deps.settings.oauth_revoke_uri, token)
    try:
        deps.secrets.delete(account.secret_name)
    except LeadHarvestError as exc:
        reason = f"the token's secret could not be deleted ({exc.code}); disconnect again"
        deps.accounts.update(account.mailbox, reason=reason)
        raise
    done["secretDeleted"] = True
    deps.forget_gmail(account)
    deps.accounts.update(
        account.mailbox,
        state="disconnected",
        reason="disconnected by the user",
        watch_expiration=None,
    )
    log.info("mailbox disconnected", extra={"fields": {"mailbox": account.mailbox, **done}})
    return done
