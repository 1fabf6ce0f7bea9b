"""Binding a mailbox to the user who asked: confirming a pending connection (only its
starter may), a popup's code, then label, token, watch and backfill."""

from __future__ import annotations

from shared.clock import utcnow
from shared.errors import ConflictError, NotFoundError, StartedByAnotherError
from shared.events import SyncJob
from shared.gmail.client import credentials
from shared.gmail.gateway import normalise_label
from shared.logs import get_logger
from shared.records import Account
from shared.services.mailbox.connect import Ports, exchange, patiently
from shared.services.scheduled.retry import unpark
from shared.types import JsonObject, Sdk

log = get_logger("connect")


def _find_label(labels: list[JsonObject], wanted: str) -> JsonObject:
    for label in labels:
        if normalise_label(str(label.get("name", ""))) == normalise_label(wanted):
            return label
    raise NotFoundError(f"no Gmail label named like '{wanted}'")


def confirm(deps: Ports, user: str, pending_id: str) -> str:
    """The signed-in user confirms a pending connection; only its starter can. Returns the
    mailbox.

    Raises:
        NotFoundError: no such pending connection (used, or older than ten minutes).
        StartedByAnotherError: ``user`` did not start it (it is discarded).
        ConflictError: the mailbox is connected by another user.
    """
    pending = deps.pending.take(pending_id, utcnow())
    if pending is None:
        raise NotFoundError("no pending connection: it was used, or ten minutes passed")
    try:
        if pending.expired:
            raise NotFoundError("no pending connection: it was used, or ten minutes passed")
        token = deps.secrets.get(pending.secret_name)
        if pending.user != user.lower():
            raise StartedByAnotherError(
                "this connection was started by another account; nothing was connected"
            )
        creds = credentials(
            token,
            deps.settings.oauth_client_id,
            deps.settings.oauth_client_secret,
            deps.settings.oauth_token_uri,
        )
        return bind(deps, user, creds)
    finally:
        deps.secrets.delete(pending.secret_name)  # dropped, never revoked (see bind)


def connect_with_code(
    deps: Ports, user: str, code: str, redirect_uri: str | None, verifier: str | None = None
) -> str:
    """Exchange an authorization code of the signed-in ``user``'s popup and connect the
    mailbox it grants (the caller is the user: nothing to confirm)."""
    return bind(deps, user, exchange(deps, code, redirect_uri, verifier))


def bind(deps: Ports, user: str, creds: Sdk) -> str:
    """Connect the mailbox ``creds`` grant to ``user``: label, token, watch, backfill. The
    account is claimed with one guarded write, so two users binding one mailbox at once
    bind it once: the other is refused (409) and changes nothing."""
    gmail = deps.gmail_with(creds)
    mailbox, _ = patiently(gmail.profile)
    previous = deps.accounts.get(mailbox)
    if previous and previous.owner != user.lower() and previous.state != "disconnected":
        # The fresh token is dropped, never revoked: Google grants per Google account and
        # client, and revoking any token of the grant revokes all of it, the owner's too.
        raise ConflictError(
            f"{mailbox} is connected by another user; they must disconnect it first"
        )
    label = _find_label(patiently(gmail.labels), deps.settings.lead_label)
    # the mailbox's one secret: a bind that loses the claim below leaves its token there,
    # valid for the same Google account and client as the winner's
    secret_name = deps.secrets.put(mailbox, creds.refresh_token)
    history_id, expiry = patiently(lambda: gmail.watch(deps.settings.gmail_topic_path, label["id"]))
    cursor = previous.history_id if previous and previous.history_id else history_id
    account = Account(
        mailbox=mailbox,
        state="connected",
        owner=user.lower(),
        label_id=label["id"],
        label_name=label["name"],
        secret_name=secret_name,
        history_id=cursor,
        watch_expiration=expiry,
        last_sync_at=None,
        connected_at=utcnow(),
    )
    previous = deps.accounts.claim(account)
    if previous:
        deps.forget_gmail(previous)
    unpark(deps, mailbox)
    topic = deps.settings.topic_sync
    deps.publisher.publish(topic, [SyncJob(mailbox=mailbox, trigger="backfill", full=True)])
    log.info("mailbox connected", extra={"fields": {"mailbox": mailbox, "label": label["id"]}})
    return mailbox
