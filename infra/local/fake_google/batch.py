"""Gmail's multipart/mixed batch endpoint, in the wire format google-api-python-client speaks."""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_google.gmail_api import GmailApi

MAX_CALLS = 100
_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def _split_request(payload: str) -> tuple[str, str, str, dict[str, str], dict[str, Any]]:
    request_line, _, rest = payload.replace("\r\n", "\n").partition("\n")
    method, target, _version = request_line.split(" ", 2)
    head, _, body = rest.partition("\n\n")
    headers = {}
    for line in head.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    url = urlsplit(target)
    parsed = json.loads(body) if body.strip() else {}
    return method, url.path, url.query, headers, parsed


def handle_batch(api: GmailApi, content_type: str, body: bytes) -> tuple[int, str, bytes]:
    """Run each inner call; returns ``(status, content type, multipart body)``."""
    msg = email.message_from_bytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body, policy=email.policy.compat32
    )
    if not msg.is_multipart():
        return 400, "application/json", b'{"error": {"code": 400, "message": "not multipart"}}'
    parts = msg.get_payload()
    if not isinstance(parts, list) or len(parts) > MAX_CALLS:
        return 400, "application/json", b'{"error": {"code": 400, "message": "too many calls"}}'
    api.state.count("calls.batch")
    boundary = f"batch_{uuid.uuid4().hex}"
    out: list[str] = []
    for part in parts:
        if not isinstance(part, email.message.Message):
            continue
        content_id = str(part.get("Content-ID", "<x + 0>")).strip()
        payload = part.get_payload()
        try:
            method, path, query, headers, parsed = _split_request(str(payload))
            status, answer = api.handle(
                method, path, query, parsed, headers.get("authorization", "")
            )
        except (ValueError, json.JSONDecodeError):
            status, answer = 400, {"error": {"code": 400, "message": "bad inner request"}}
        inner = json.dumps(answer) if answer is not None else ""
        out.append(
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n"
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: application/json; charset=UTF-8\r\n\r\n{inner}\r\n"
        )
    out.append(f"--{boundary}--\r\n")
    return 200, f"multipart/mixed; boundary={boundary}", "".join(out).encode()
