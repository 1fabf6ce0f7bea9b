"""Disconnecting a mailbox: stop the watch, revoke the grant, delete the token; keep the leads."""

from __future__ import annotations

import contextlib
from typing import Protocol

import requests

from shared.errors import LeadHarvestError, NotFoundError
from shared.logs import get_logger
from shared.ports import Configured, HoldsAccounts, HoldsSecrets, ReachesGmail
from shared.store.accounts import Account


class Ports(Configured, HoldsAccounts, HoldsSecrets, ReachesGmail, Protocol):
    """What disconnect uses of the composition root."""


log = get_logger("disconnect")


def disconnect(deps: Ports, account: Account) -> dict[str, bool]:
    """Best effort on Google's side (a revoked token cannot stop a watch); ours always happens."""
    done = {"watchStopped": False, "tokenRevoked": False, "secretDeleted": False}
    with contextlib.suppress(LeadHarvestError):
        deps.gmail_for(account).stop()
        done["watchStopped"] = True
    with contextlib.suppress(NotFoundError):
        token = deps.secrets.get(account.secret_name)
        with contextlib.suppress(requests.RequestException):
            resp = requests.post(deps.settings.oauth_revoke_uri, data={"token": token}, timeout=10)
            done["tokenRevoked"] = resp.status_code < 300
    deps.secrets.delete(account.secret_name)
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
