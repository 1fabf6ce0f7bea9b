"""Unwrapping of forwarded leads (Gmail ``Forwarded message`` and Outlook ``Original Message``)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header

from shared.parsing.limits import MAX_HEADER_CHARS, MAX_LINES, MAX_TEXT_CHARS
from shared.parsing.mail import first_address
from shared.parsing.normalize.dates import parse_forward_date

_MARKER = re.compile(
    r"^[> \t]{0,20}(?:-{3,20} {0,3}Forwarded message {0,3}-{3,20}|"
    r"-{3,20} {0,3}Original Message {0,3}-{3,20}|Begin forwarded message:)[ \t]*$",
    re.I | re.M,
)
_HEADER = re.compile(r"^(From|Date|Sent|Subject|To|Cc|Reply-To) {0,3}: {0,3}(.{0,2000})$", re.I)
_MAILTO = re.compile(r"\[mailto:([^\]]+)\]", re.I)
_FWD_SUBJECT = re.compile(r"^\s*(?:(?:fwd?|fw)\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Forwarded:
    """The original email found inside a forward."""

    from_name: str
    from_addr: str
    subject: str
    date: datetime | None
    body: str


def decoded(value: str) -> str:
    """A forwarded header value with any RFC 2047 encoded words decoded."""
    if "=?" not in value:
        return value
    with contextlib.suppress(UnicodeError, LookupError, ValueError, HeaderParseError):
        return str(make_header(decode_header(value[:MAX_HEADER_CHARS])))
    return value


def strip_fwd_prefix(subject: str) -> str:
    """Remove ``Fwd:``/``FW:`` prefixes from a subject."""
    return _FWD_SUBJECT.sub("", subject).strip()


def unwrap(body: str, tz: str) -> Forwarded | None:
    """Find a forwarded block in ``body`` and return the original's headers and content.

    Args:
        body: The forwarding email's text (plain, or HTML rendered as text).
        tz: Time zone the forwarded block's date is read in.

    Returns:
        The original email, or None if there is no forwarded block.
    """
    match = _MARKER.search(body[:MAX_TEXT_CHARS])
    if not match:
        return None
    lines = body[match.end() :].split("\n", MAX_LINES)[:MAX_LINES]
    headers: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].lstrip("> ").strip()
        m = _HEADER.match(line)
        if m:
            headers.setdefault(m.group(1).lower(), m.group(2).strip())
        elif line or headers:
            break
        i += 1
    rest = lines[i:]
    if rest and all(ln.startswith(">") for ln in rest if ln.strip()):
        rest = [ln[1:].lstrip(" ") if ln.startswith(">") else ln for ln in rest]
    sender = decoded(headers.get("from", ""))
    mailto = _MAILTO.search(sender)
    name, addr = first_address(
        _MAILTO.sub("", sender).strip() + (f" <{mailto.group(1)}>" if mailto else "")
    )
    when = headers.get("date") or headers.get("sent") or ""
    return Forwarded(
        from_name=name,
        from_addr=addr,
        subject=decoded(headers.get("subject", "")),
        date=parse_forward_date(when, tz) if when else None,
        body="\n".join(rest),
    )
