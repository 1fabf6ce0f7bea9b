"""Gmail resources and paging: messages.list with a ``q`` subset, history.list, formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from infra.local.fake_google.parts import part_tree
from infra.local.fake_google.quota import gmail_error
from infra.local.fake_google.state import Mailbox, Message

_TERM = re.compile(r'(\w+):("[^"]*"|\S+)|("[^"]*"|\S+)')


def _first(args: dict[str, list[str]], key: str, default: str = "") -> str:
    return args.get(key, [default])[0]


def _epoch(value: str) -> float:
    if value.isdigit():
        return float(value)
    return datetime.strptime(value, "%Y/%m/%d").replace(tzinfo=UTC).timestamp()


def _bytes(value: str) -> int:
    """Gmail's size operand: bytes, or with a ``K``/``M`` suffix."""
    scale = {"k": 1024, "m": 1024 * 1024}.get(value[-1:].lower(), 1)
    return int(value[:-1] if scale > 1 else value) * scale


def _label_ids(box: Mailbox, name: str) -> set[str]:
    wanted = re.sub(r"[\s_-]+", "-", name.strip('"').lower())
    return {
        lid
        for lid, lbl in box.labels.items()
        if re.sub(r"[\s_/-]+", "-", str(lbl["name"]).lower()) == wanted or lid.lower() == wanted
    }


def _matches(box: Mailbox, msg: Message, q: str) -> bool:
    for key, quoted, free in _TERM.findall(q):
        value = quoted.strip('"')
        if key == "label":
            if not _label_ids(box, value) & set(msg.label_ids):
                return False
        elif key == "from":
            if value.lower() not in msg.header("From").lower():
                return False
        elif key == "subject":
            if value.lower() not in msg.header("Subject").lower():
                return False
        elif key in ("larger", "smaller"):
            size = _bytes(value)
            if (key == "larger" and len(msg.raw) <= size) or (
                key == "smaller" and len(msg.raw) >= size
            ):
                return False
        elif key in ("after", "before"):
            cut = _epoch(value) * 1000
            if (key == "after" and msg.internal_date_ms < cut) or (
                key == "before" and msg.internal_date_ms >= cut
            ):
                return False
        elif free and free.strip('"').lower() not in msg.raw.decode("utf-8", "replace").lower():
            return False
    return True


def _page(
    items: list[Any], args: dict[str, list[str]], default: int, cap: int
) -> tuple[list[Any], str | None]:
    start = int(_first(args, "pageToken", "0") or 0)
    size = min(int(_first(args, "maxResults", str(default))), cap)
    chunk = items[start : start + size]
    nxt = str(start + size) if start + size < len(items) else None
    return chunk, nxt


def list_page(box: Mailbox, args: dict[str, list[str]]) -> dict[str, Any]:
    """messages.list: label filter, ``q`` subset, newest first, paged; like Gmail, it leaves
    out SPAM and TRASH unless asked for them (``includeSpamTrash`` or the label)."""
    labels = set(args.get("labelIds", []))
    q = _first(args, "q")
    spam_trash = _first(args, "includeSpamTrash") == "true"
    found = [
        m
        for m in box.messages.values()
        if labels <= set(m.label_ids)
        and (not q or _matches(box, m, q))
        and (spam_trash or all(x not in m.label_ids or x in labels for x in ("TRASH", "SPAM")))
    ]
    found.sort(key=lambda m: (m.internal_date_ms, m.id), reverse=True)
    chunk, nxt = _page(found, args, 100, 500)
    out: dict[str, Any] = {"resultSizeEstimate": len(found)}
    if chunk:
        out["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in chunk]
    if nxt:
        out["nextPageToken"] = nxt
    return out


def history_page(box: Mailbox, args: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    """history.list from ``startHistoryId``; 404 when it is older than the retained history."""
    try:
        start = int(_first(args, "startHistoryId"))
    except ValueError:
        return 400, gmail_error(400)
    if start < box.min_history_id:
        return 404, gmail_error(404)
    label = _first(args, "labelId")
    types = set(args.get("historyTypes", [])) or {"messageAdded", "labelAdded"}
    entries = []
    for hid, kind, msg_id, added in box.history:
        msg = box.messages.get(msg_id)
        if hid <= start or kind not in types or msg is None:
            continue
        if label and label not in (added if kind == "labelAdded" else msg.label_ids):
            continue
        ref = {"id": msg.id, "threadId": msg.thread_id}
        entry: dict[str, Any] = {"id": str(hid), "messages": [ref]}
        if kind == "messageAdded":
            entry["messagesAdded"] = [{"message": {**ref, "labelIds": list(msg.label_ids)}}]
        else:
            entry["labelsAdded"] = [
                {"message": {**ref, "labelIds": list(msg.label_ids)}, "labelIds": added}
            ]
        entries.append(entry)
    chunk, nxt = _page(entries, args, 100, 500)
    out: dict[str, Any] = {"historyId": str(box.history_id)}
    if chunk:
        out["history"] = chunk
    if nxt:
        out["nextPageToken"] = nxt
    return 200, out


def message_resource(msg: Message, fmt: str, wanted: list[str]) -> dict[str, Any]:
    """A message in ``raw``, ``metadata``, ``minimal`` or ``full`` format."""
    out: dict[str, Any] = {
        "id": msg.id,
        "threadId": msg.thread_id,
        "labelIds": list(msg.label_ids),
        "snippet": msg.snippet(),
        "historyId": str(msg.history_id),
        "internalDate": str(msg.internal_date_ms),
        "sizeEstimate": len(msg.raw),
    }
    if fmt == "raw":
        out["raw"] = msg.raw_b64()
    elif fmt == "full":  # the MIME tree: text inline, files as attachment ids
        out["payload"] = part_tree(msg.raw)
    elif fmt == "metadata":
        names = wanted or ["From", "To", "Subject", "Date", "Reply-To", "Message-ID"]
        headers = [{"name": n, "value": msg.header(n)} for n in names if msg.header(n)]
        out["payload"] = {"mimeType": "message/rfc822", "headers": headers}
    return out
