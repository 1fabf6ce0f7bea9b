"""An email too large to fetch whole, rebuilt from Gmail's ``format=full`` part tree.

``messages.get`` with ``format=full`` answers the message's MIME structure as a
``MessagePart`` tree (``partId``, ``mimeType``, ``filename``, ``headers``, ``body`` with
``size`` and either ``data``, base64url of the decoded body, or an ``attachmentId``, and
``parts``). The text the parser reads comes with its data; attachments come as ids, never
fetched. The rebuilt RFC 822 message keeps the headers and text parts, and puts each
attachment as an empty part with its name, type and ``size`` (RFC 2183), so the parser names
it without anything of its content being read.
"""

from __future__ import annotations

import base64
import binascii
from email.message import Message

from shared.types import JsonObject

MAX_PARTS = 200  # parts rebuilt; the rest of a hostile tree is dropped
MAX_DEPTH = 20  # nesting rebuilt
_SKIPPED = frozenset({"content-transfer-encoding", "content-length"})


def _headers(part: JsonObject) -> list[tuple[str, str]]:
    found = part.get("headers")
    if not isinstance(found, list):
        return []
    pairs = [(h.get("name"), h.get("value")) for h in found if isinstance(h, dict)]
    return [(str(n), str(v)) for n, v in pairs if n and v is not None and "\n" not in str(n)]


def _data(body: JsonObject) -> bytes | None:
    data = body.get("data")
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def _leaf(msg: Message, part: JsonObject, text_left: list[int]) -> None:
    body = part.get("body") if isinstance(part.get("body"), dict) else {}
    assert isinstance(body, dict)
    data = _data(body)
    filename = str(part.get("filename") or "")
    size = body.get("size") if isinstance(body.get("size"), int) else 0
    if data is None or filename or body.get("attachmentId"):
        name = filename.replace('"', "'")[:200] or "attachment"
        kind = "inline" if msg.get_content_disposition() == "inline" else "attachment"
        del msg["Content-Disposition"]
        msg["Content-Disposition"] = f'{kind}; filename="{name}"; size={size}'
        msg.set_payload("")
        return
    kept = data[: max(0, text_left[0])]
    text_left[0] -= len(kept)
    msg["Content-Transfer-Encoding"] = "base64"
    msg.set_payload(base64.encodebytes(kept).decode("ascii"))


def _part(part: JsonObject, depth: int, budget: list[int], text_left: list[int]) -> Message:
    msg = Message()
    for name, value in _headers(part):
        if name.lower() not in _SKIPPED:
            msg[name] = value
    mime = str(part.get("mimeType") or "text/plain")
    if "Content-Type" not in msg:
        msg["Content-Type"] = mime
    children = part.get("parts")
    if mime.startswith("multipart/") and isinstance(children, list):
        if msg.get_boundary() is None:
            msg.set_boundary(f"lh-{depth}-{budget[0]}")
        kids: list[Message | str] = []
        for child in children:
            if budget[0] <= 0 or depth >= MAX_DEPTH or not isinstance(child, dict):
                break
            budget[0] -= 1
            kids.append(_part(child, depth + 1, budget, text_left))
        msg.set_payload(kids)
        return msg
    _leaf(msg, part, text_left)
    return msg


def rebuild(resource: JsonObject, max_text_bytes: int) -> bytes:
    """The RFC 822 bytes of a ``format=full`` answer: headers, text parts, and attachments
    as empty named parts.

    Args:
        resource: The ``messages.get`` answer (its ``payload`` is the part tree).
        max_text_bytes: The text kept over all parts (the parser's ``EMAIL_MAX_BYTES``);
            text past it is cut, and the cut mail stays within the bound.

    Returns:
        The message's bytes (a message without a payload gives an empty one).
    """
    payload = resource.get("payload")
    if not isinstance(payload, dict):
        return b""
    msg = _part(payload, 0, [MAX_PARTS], [max_text_bytes])
    return msg.as_bytes()
