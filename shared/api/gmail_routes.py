"""``/gmail/*``: connection status, consent URL, labels, messages, manual batches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import UNSET

from shared.api.inputs import (
    BatchByIds,
    BatchByQuery,
    MailboxQuery,
    MessagesQuery,
    TokenRequest,
)
from shared.api.outputs import (
    Audit,
    AuthUrl,
    BatchAccepted,
    Connected,
    Disconnected,
    GmailStatus,
    Label,
    LabelRef,
    Labels,
    Mailboxes,
    Message,
    Messages,
)
from shared.api.routing import GMAIL_ERRORS, Call, Route
from shared.errors import NotFoundError
from shared.services.ingest.oversized import oversized_ids
from shared.services.ingest.queue import queue_batch
from shared.services.mailbox.browse import browse
from shared.services.mailbox.disconnect import disconnect
from shared.services.mailbox.health import mailbox_health
from shared.types import JsonObject

if TYPE_CHECKING:
    from shared.records import Account

NO_MAILBOX = GmailStatus(
    connected=False,
    mailbox=None,
    state="disconnected",
    label=None,
    watch_expiration=None,
    last_sync_at=None,
    reason=None,
    health="broken",
    reasons=["not_connected"],
    unrecognised=0,
    audit=None,
)


def _status(call: Call, a: Account) -> GmailStatus:
    unrecognised = call.deps.lead_queries.unrecognised_count(a.mailbox, a.owner)
    health, reasons = mailbox_health(call.deps, a, unrecognised)
    audit = a.audit
    report = (
        None
        if audit is None
        else Audit(
            label_total=audit.label_total,
            recorded=audit.recorded,
            missing=audit.missing,
            queued=audit.queued,
            at=audit.at,
        )
    )
    return GmailStatus(
        connected=a.state == "connected",
        mailbox=a.mailbox,
        state=a.state,
        label=LabelRef(id=a.label_id, name=a.label_name),
        watch_expiration=a.watch_expiration,
        last_sync_at=a.last_sync_at,
        reason=a.reason,
        health=health,
        reasons=reasons,
        unrecognised=unrecognised,
        audit=report,
    )


def gmail_status(call: Call) -> GmailStatus:
    """One mailbox's connection and health (never a token or secret name); none connected:
    disconnected."""
    if not call.accounts:
        return NO_MAILBOX
    return _status(call, call.account())


def mailboxes(call: Call) -> Mailboxes:
    """Every mailbox the caller connected, with its connection and health."""
    accounts = sorted(call.accounts, key=lambda a: a.mailbox)
    return Mailboxes(mailboxes=[_status(call, a) for a in accounts])


# ruff: noqa: PLC0415 - the OAuth flow's libraries load only for the routes that connect


def auth_url(call: Call) -> AuthUrl:
    """Where to connect a mailbox: the browser submits a form (``POST``, field ``id_token``)
    to this URL as a top-level navigation, so the consent is bound to that browser."""
    from shared.services.mailbox.connect import start_url

    return AuthUrl(url=start_url(call.deps))


def labels(call: Call) -> Labels:
    """The mailbox's labels with counts."""
    gmail = call.gmail()
    out = []
    for label in gmail.labels():
        info = gmail.label(label["id"])
        out.append(
            Label(
                id=info["id"],
                name=info["name"],
                type=info.get("type", "user"),
                messages_total=info.get("messagesTotal", 0),
                messages_unread=info.get("messagesUnread", 0),
            )
        )
    return Labels(labels=out)


def _header(message: JsonObject, name: str) -> str | None:
    for header in message.get("payload", {}).get("headers", []):
        if header["name"].lower() == name.lower():
            return str(header["value"])
    return None


def messages(call: Call) -> Messages:
    """A page of the mailbox's messages with this system's processing status; its headers
    are read inside the mailbox's Gmail quota (a busy mailbox gets a shorter page)."""
    q = call.query_as(MessagesQuery)
    gmail = call.gmail()
    account = call.account()
    query = (q.label_id or None, q.q or None)
    listed, nxt = browse(
        call.deps, account.mailbox, gmail, query, q.page_token or None, q.max_results
    )
    records = call.deps.leads.existing(account.mailbox, [m["id"] for m, _ in listed])
    out = []
    for m, meta in listed:
        head = meta if isinstance(meta, dict) else {}
        out.append(
            Message(
                id=m["id"],
                thread_id=m.get("threadId"),
                sender=_header(head, "From"),
                subject=_header(head, "Subject"),
                date=_header(head, "Date"),
                snippet=head.get("snippet"),
                status=records[m["id"]].outcome if m["id"] in records else None,
            )
        )
    return Messages(messages=out, next_page_token=nxt)


def process_batch(call: Call) -> BatchAccepted:
    """Queue emails of the mailbox's lead label (chosen ids, or the newest matching ``q``)
    through the pipeline at once. Nothing outside the lead label is read: the pipeline reads
    the labels of chosen ids first and leaves the others out (counted as gone)."""
    body = call.body_as(BatchByIds, BatchByQuery)
    account = call.account()
    gmail = call.gmail()
    if isinstance(body, BatchByIds):
        ids = list(dict.fromkeys(body.message_ids))
    else:
        query = body.q if body.q is not UNSET else None
        ids = list(reversed(gmail.list_ids(account.label_id, query, body.limit)))
    big = oversized_ids(gmail, call.deps.settings, account.label_id, ids)
    batch_id = queue_batch(call.deps, account, "manual", account.history_id, ids, big)
    if batch_id is None:
        raise NotFoundError("no emails of the lead label matched")
    return BatchAccepted(batch_id=batch_id)


def token(call: Call) -> Connected:
    """Connect with an authorization code from a popup or code client (never a raw token)."""
    from shared.services.mailbox.bind import connect_with_code

    body = call.body_as(TokenRequest)
    mailbox = connect_with_code(call.deps, call.user, body.code, body.redirect_uri)
    return Connected(connected=True, mailbox=mailbox)


def confirm_route(call: Call) -> Connected:
    """Confirm a pending connection (the frontend, back from Google's consent): only the
    signed-in user who started it can; anyone else discards it."""
    from shared.services.mailbox.bind import confirm

    return Connected(
        connected=True, mailbox=confirm(call.deps, call.user, call.params["pendingId"])
    )


def disconnect_route(call: Call) -> Disconnected:
    """Stop the watch, revoke the token, delete the secret; the leads stay."""
    done = disconnect(call.deps, call.account())
    return Disconnected(
        mailbox=call.account().mailbox,
        watch_stopped=done["watchStopped"],
        token_revoked=done["tokenRevoked"],
        secret_deleted=done["secretDeleted"],
    )


TAG = "Gmail"
ROUTES = [
    Route(
        "GET", "/gmail/mailboxes", mailboxes, "Every mailbox the caller connected", Mailboxes, TAG
    ),
    Route(
        "GET",
        "/gmail/status",
        gmail_status,
        "One mailbox's connection",
        GmailStatus,
        TAG,
        query=MailboxQuery,
    ),
    Route(
        "GET", "/gmail/auth-url", auth_url, "Where the browser starts a connection", AuthUrl, TAG
    ),
    Route(
        "POST",
        "/gmail/token",
        token,
        "Connect with an authorization code",
        Connected,
        TAG,
        body=(TokenRequest,),
        errors=(409,),
    ),
    Route(
        "POST",
        "/gmail/connections/<id:pendingId>",
        confirm_route,
        "Confirm the connection you started (back from Google's consent)",
        Connected,
        TAG,
        errors=(409,),
    ),
    Route(
        "POST",
        "/gmail/disconnect",
        disconnect_route,
        "Disconnect a mailbox (leads stay)",
        Disconnected,
        TAG,
        query=MailboxQuery,
    ),
    Route(
        "GET",
        "/gmail/labels",
        labels,
        "Labels with counts",
        Labels,
        TAG,
        query=MailboxQuery,
        errors=GMAIL_ERRORS,
    ),
    Route(
        "GET",
        "/gmail/messages",
        messages,
        "A page of messages with processing status",
        Messages,
        TAG,
        query=MessagesQuery,
        errors=GMAIL_ERRORS,
    ),
    Route(
        "POST",
        "/gmail/process-batch",
        process_batch,
        "Queue emails for processing",
        BatchAccepted,
        TAG,
        status=202,
        query=MailboxQuery,
        body=(BatchByIds, BatchByQuery),
        errors=GMAIL_ERRORS,
    ),
]
