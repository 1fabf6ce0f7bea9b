"""Gmail's multipart/mixed batch endpoint, in the wire format google-api-python-client speaks."""

from __future__ import annotations

import email
import email.policy
import json
import time
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
    calls = [p for p in parts if isinstance(p, email.message.Message)]
    requests = [_parsed(part) for part in calls]
    # Gmail runs a batch's parts at once: each holds one of the user's concurrency slots.
    user = api.user_of(next((r[3].get("authorization", "") for r in requests if r), ""))
    fits = api.concurrency.enter(user, len(calls), api.state.faults.max_concurrent)
    try:
        answers = [_answer(api, r, n < fits) for n, r in enumerate(requests)]
        time.sleep(api.state.faults.latency_ms / 1000)
    finally:
        api.concurrency.leave(user, len(calls))
    return 200, *_multipart(calls, answers)


Parsed = tuple[str, str, str, dict[str, str], dict[str, Any]] | None


def _parsed(part: email.message.Message) -> Parsed:
    try:
        return _split_request(str(part.get_payload()))
    except (ValueError, json.JSONDecodeError):
        return None


def _answer(api: GmailApi, request: Parsed, fits: bool) -> tuple[int, dict[str, Any] | None]:
    if request is None:
        return 400, {"error": {"code": 400, "message": "bad inner request"}}
    if not fits:
        return api.over_limit()
    method, path, query, headers, parsed = request
    return api.handle(method, path, query, parsed, headers.get("authorization", ""))


def _multipart(
    calls: list[email.message.Message], answers: list[tuple[int, dict[str, Any] | None]]
) -> tuple[str, bytes]:
    boundary = f"batch_{uuid.uuid4().hex}"
    out: list[str] = []
    for part, (status, answer) in zip(calls, answers, strict=True):
        content_id = str(part.get("Content-ID", "<x + 0>")).strip()
        inner = json.dumps(answer) if answer is not None else ""
        out.append(
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-{content_id.strip('<>')}>\r\n\r\n"
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: application/json; charset=UTF-8\r\n\r\n{inner}\r\n"
        )
    out.append(f"--{boundary}--\r\n")
    return f"multipart/mixed; boundary={boundary}", "".join(out).encode()
