"""``/gmail/*``: connection status, consent URL, labels, messages, manual batches."""

from __future__ import annotations

from typing import Any

from shared.errors import ValidationError
from shared.services.api.router import Call, Router
from shared.services.connect import connect_with_code, consent_url
from shared.services.disconnect import disconnect
from shared.services.sync import queue_batch

MAX_IDS = 1000


def status(call: Call) -> tuple[int, Any]:
    """The caller's mailbox connection (never a token or secret name)."""
    if not call.accounts:
        return 200, {
            "connected": False,
            "mailbox": None,
            "state": "disconnected",
            "label": None,
            "watchExpiration": None,
            "lastSyncAt": None,
            "reason": None,
        }
    a = call.account()
    return 200, {
        "connected": a.state == "connected",
        "mailbox": a.mailbox,
        "state": a.state,
        "label": {"id": a.label_id, "name": a.label_name},
        "watchExpiration": a.watch_expiration,
        "lastSyncAt": a.last_sync_at,
        "reason": a.reason,
    }


def auth_url(call: Call) -> tuple[int, Any]:
    """Google's consent URL for the caller."""
    return 200, {"url": consent_url(call.deps, call.user)}


def labels(call: Call) -> tuple[int, Any]:
    """The mailbox's labels with counts."""
    gmail = call.deps.gmail_for(call.account())
    out = []
    for label in gmail.labels():
        info = gmail.label(label["id"])
        out.append(
            {
                "id": info["id"],
                "name": info["name"],
                "type": info.get("type", "user"),
                "messagesTotal": info.get("messagesTotal", 0),
                "messagesUnread": info.get("messagesUnread", 0),
            }
        )
    return 200, {"labels": out}


def _header(message: dict[str, Any], name: str) -> str | None:
    for header in message.get("payload", {}).get("headers", []):
        if header["name"].lower() == name.lower():
            return str(header["value"])
    return None


def messages(call: Call) -> tuple[int, Any]:
    """A page of the mailbox's messages with this system's processing status."""
    limit = call.int_arg("maxResults", 25, 1, 100)
    page = call.deps.gmail_for(call.account()).list_page(
        call.args.get("labelId") or None,
        call.args.get("q") or None,
        call.args.get("pageToken") or None,
        limit,
    )
    ids = [m["id"] for m in page.get("messages", [])]
    records = call.deps.leads.existing(call.account().mailbox, ids)
    gmail = call.deps.gmail_for(call.account())
    out = []
    for m in page.get("messages", []):
        meta = gmail.get_metadata(m["id"])
        out.append(
            {
                "id": m["id"],
                "threadId": m.get("threadId"),
                "from": _header(meta, "From"),
                "subject": _header(meta, "Subject"),
                "date": _header(meta, "Date"),
                "snippet": meta.get("snippet"),
                "status": records.get(m["id"], {}).get("outcome"),
            }
        )
    return 200, {"messages": out, "nextPageToken": page.get("nextPageToken")}


def process_batch(call: Call) -> tuple[int, Any]:
    """Queue chosen emails (ids, or a label/query with a limit) through the pipeline."""
    body = call.json_body()
    account = call.account()
    if "messageIds" in body:
        ids = body["messageIds"]
        if (
            not isinstance(ids, list)
            or not 1 <= len(ids) <= MAX_IDS
            or not all(isinstance(i, str) and i.isalnum() and len(i) <= 32 for i in ids)
        ):
            raise ValidationError(
                "messageIds must be 1 to 1000 Gmail message ids",
                details={"fields": {"messageIds": "1..1000 ids"}},
            )
        ids = list(dict.fromkeys(ids))
    elif "labelId" in body or "q" in body:
        limit = body.get("limit", 100)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_IDS:
            raise ValidationError(
                "limit must be 1 to 1000", details={"fields": {"limit": "1..1000"}}
            )
        label, q = body.get("labelId"), body.get("q")
        if not all(v is None or (isinstance(v, str) and len(v) <= 500) for v in (label, q)):
            raise ValidationError(
                "labelId and q must be strings",
                details={"fields": {"labelId": "string", "q": "string"}},
            )
        ids = list(reversed(call.deps.gmail_for(account).list_ids(label, q, limit)))
    else:
        raise ValidationError(
            "give messageIds, or labelId/q with limit",
            details={"fields": {"messageIds": "required"}},
        )
    if not ids:
        raise ValidationError("no emails matched", details={"fields": {"q": "no match"}})
    batch_id = queue_batch(call.deps, account.mailbox, "manual", account.history_id, ids)
    return 202, {"batchId": batch_id}


TOKEN_FIELDS = ("access_token", "refresh_token", "id_token", "token")


def token(call: Call) -> tuple[int, Any]:
    """Connect with an authorization code from a popup or code client (never a raw token)."""
    body = call.json_body()
    if any(k in body for k in TOKEN_FIELDS):
        raise ValidationError(
            "send an authorization code, never a token",
            details={"fields": {k: "not accepted" for k in TOKEN_FIELDS if k in body}},
        )
    code, redirect = body.get("code"), body.get("redirect_uri")
    bad = {}
    if not isinstance(code, str) or not 1 <= len(code) <= 2048:
        bad["code"] = "required string"
    if not isinstance(redirect, str) or not (
        redirect == "postmessage" or redirect.startswith(("https://", "http://"))
    ):
        bad["redirect_uri"] = "postmessage or an http(s) URL"
    if bad:
        raise ValidationError("invalid token exchange request", details={"fields": bad})
    mailbox = connect_with_code(call.deps, call.user, str(code), str(redirect))
    return 200, {"connected": True, "mailbox": mailbox}


def disconnect_route(call: Call) -> tuple[int, Any]:
    """Stop the watch, revoke the token, delete the secret; the leads stay."""
    return 200, {"mailbox": call.account().mailbox, **disconnect(call.deps, call.account())}


def register(router: Router) -> None:
    """Add the /gmail routes."""
    router.add("GET", "/gmail/status", status)
    router.add("GET", "/gmail/auth-url", auth_url)
    router.add("GET", "/gmail/labels", labels)
    router.add("GET", "/gmail/messages", messages)
    router.add("POST", "/gmail/process-batch", process_batch)
    router.add("POST", "/gmail/token", token)
    router.add("POST", "/gmail/disconnect", disconnect_route)
