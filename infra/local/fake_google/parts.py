"""Gmail's ``format=full`` answer, as the discovery document shapes it: the message's MIME
tree as ``MessagePart`` objects.

Each part: ``partId`` (``""`` for the top, ``"0"``, ``"1.0"``… below), ``mimeType``,
``filename`` (empty unless the part is a file), ``headers`` (``[{name, value}]`` as in the
message), ``body`` (``MessagePartBody``: ``size`` of the decoded body, and ``data`` in
base64url for a body Gmail returns inline, or an ``attachmentId`` for a file, whose bytes
only ``messages.attachments.get`` gives) and ``parts`` for a multipart.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
from email.message import Message
from typing import Any


def _decoded(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _part(part: Message, part_id: str) -> dict[str, Any]:
    headers = [{"name": k, "value": str(v)} for k, v in part.items()]
    out: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": headers,
    }
    if part.is_multipart():
        children = part.get_payload()
        assert isinstance(children, list)
        prefix = f"{part_id}." if part_id else ""
        out["body"] = {"size": 0}
        out["parts"] = [_part(c, f"{prefix}{i}") for i, c in enumerate(children)]
        return out
    body = _decoded(part)
    if out["filename"] or part.get_content_disposition() == "attachment":
        digest = hashlib.sha256(body).hexdigest()[:32]
        out["body"] = {"size": len(body), "attachmentId": f"ANGjdJ{digest}"}
    else:
        out["body"] = {"size": len(body), "data": base64.urlsafe_b64encode(body).decode()}
    return out


def part_tree(raw: bytes) -> dict[str, Any]:
    """The ``payload`` of ``messages.get`` with ``format=full`` for an email's bytes."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    return _part(msg, "")
