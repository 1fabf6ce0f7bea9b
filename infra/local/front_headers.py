"""Request headers as Cloud Run's front end rewrites them (Cloud Functions "Request headers"
reference): what it removes and what it adds for the function."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

# Hop-by-hop headers (they describe the client's connection, not the request) and the one
# Cloud Run drops because the front end negotiates compression itself.
REMOVED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "accept-encoding",
        "content-length",
        "host",
    }
)
ADDED = ("x-cloud-trace-context", "traceparent", "forwarded", "x-forwarded-proto")
TRACE = re.compile(r"([0-9a-f]{32})/\d{1,20}(;o=[01])?")


def trace_id(headers: dict[str, str]) -> str:
    """The caller's trace id when it sent a valid ``X-Cloud-Trace-Context``, else a new one."""
    match = TRACE.fullmatch(headers.get("x-cloud-trace-context", ""))
    return match.group(1) if match else secrets.token_hex(16)


def forwarded_headers(items: Iterable[tuple[str, str]], client_ip: str) -> list[tuple[str, str]]:
    """The request headers the function receives."""
    pairs = list(items)
    lowered = {k.lower(): v for k, v in pairs}
    named = {n.strip().lower() for n in lowered.get("connection", "").split(",")}
    trace, span = trace_id(lowered), secrets.randbits(63)
    kept = [
        (k, v)
        for k, v in pairs
        if not k.lower().startswith("x-google-")
        and k.lower() not in REMOVED | named
        and k.lower() not in ADDED
        and k.lower() != "x-forwarded-for"
    ]
    chain = ", ".join(filter(None, [lowered.get("x-forwarded-for", ""), client_ip]))
    return [
        *kept,
        ("X-Cloud-Trace-Context", f"{trace}/{span};o=1"),
        ("traceparent", f"00-{trace}-{span:016x}-01"),
        ("X-Forwarded-For", chain),
        ("X-Forwarded-Proto", "http"),
        ("Forwarded", f'for="{client_ip}";proto=http'),
    ]
