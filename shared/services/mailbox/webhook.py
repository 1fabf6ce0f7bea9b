"""Gmail push webhook: verify the push's ID token, decode, queue one sync job."""

from __future__ import annotations

from typing import Protocol

from shared.auth import require_service_account
from shared.errors import MalformedPayloadError
from shared.events import SyncJob, gmail_notification
from shared.jsonio import PUSH_BODY_MAX, decode_json
from shared.logs import get_logger
from shared.ports import Configured, HoldsAccounts, Publishes, Verifies


class Ports(Configured, Verifies, HoldsAccounts, Publishes, Protocol):
    """What webhook uses of the composition root."""


log = get_logger("webhook")


def handle_push(deps: Ports, authorization: str | None, body: bytes) -> str:
    """Handle one push; returns what happened. Raises 401/403 errors for bad callers.

    ``authorization`` is the header Cloud Run's IAM checked (``auth.iam_checked``): the
    webhook is invokable only by the push service account, so its token arrives with the
    signature removed and its claims are checked here.

    Malformed bodies and unknown mailboxes are logged and acknowledged (redelivery would
    not help); a publish failure raises so Pub/Sub redelivers.
    """
    s = deps.settings
    claims = deps.verifier.verify_behind_iam(authorization, [s.push_audience])
    require_service_account(claims, s.push_service_account)
    try:
        note = gmail_notification(decode_json(body or b"null", PUSH_BODY_MAX))
    except MalformedPayloadError as exc:
        log.warning("malformed push acknowledged", extra={"fields": {"error": str(exc)[:200]}})
        return "malformed"
    account = deps.accounts.get(note.mailbox)
    if account is None or account.state != "connected":
        log.warning(
            "push for an unknown or disconnected mailbox acknowledged",
            extra={"fields": {"mailbox": note.mailbox}},
        )
        return "unknown_mailbox"
    deps.publisher.publish(
        s.topic_sync,
        [SyncJob(mailbox=note.mailbox, trigger="push", history_id=note.history_id)],
    )
    log.info(
        "sync queued", extra={"fields": {"mailbox": note.mailbox, "history_id": note.history_id}}
    )
    return "queued"
