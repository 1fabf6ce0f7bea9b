"""Raw RFC 822 bytes to a small, decoded view of the parts a parser needs."""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from shared.parsing.bounds import bounded
from shared.parsing.html_text import html_to_text
from shared.parsing.limits import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_HEADER_CHARS,
    MAX_TEXT_CHARS,
)
from shared.parsing.record import Attachment

_FOLD = re.compile(r"\r?\n[ \t]*")
HEADLINE_CHARS = 200  # a subject, a sender or a file name, as a person is shown it
_SIMPLE_ADDR = re.compile(
    r'^ *(?:"([^"\\]{0,200})"|([^"<>,;@]{0,200}?)) *<([^<>@\s]{1,200}@[^<>\s]{1,200})> *$'
    r'|^ *([^<>\s",;]{1,200}@[^<>\s",;]{1,200}) *$'
)


@dataclass(frozen=True)
class Mail:
    """The decoded parts of one email."""

    from_name: str
    from_addr: str
    to_addr: str
    reply_to: str | None
    reply_name: str
    subject: str
    date: datetime | None
    text: str
    html: str
    limits_hit: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def body(self) -> str:
        """The best text rendering: the plain part, else the HTML rendered as text."""
        return self.text if self.text.strip() else html_to_text(self.html)


def header_text(msg: Message, name: str) -> str:
    """Return a header decoded from RFC 2047 words and unfolded ('' when absent)."""
    raw = msg.get(name)
    if raw is None:
        return ""
    return decoded_words(str(raw)[:MAX_HEADER_CHARS])


def decoded_words(value: str) -> str:
    """A header or parameter value decoded from RFC 2047 words and unfolded."""
    if "=?" in value:
        with contextlib.suppress(
            UnicodeError, LookupError, ValueError, email.errors.HeaderParseError
        ):
            value = str(make_header(decode_header(value)))
    return _FOLD.sub(" ", value).strip()


def first_address(value: str) -> tuple[str, str]:
    """Return ``(display name, lower-case address)`` of the first address in a header."""
    simple = _SIMPLE_ADDR.match(value)
    if simple:
        name = simple.group(1) if simple.group(1) is not None else (simple.group(2) or "")
        return name.strip(), (simple.group(3) or simple.group(4)).lower()
    pairs = getaddresses([value]) if value else []
    for name, addr in pairs:
        if "@" in addr:
            return name.strip().strip('"').strip(), addr.strip().lower()
    return (pairs[0][0].strip() if pairs else ""), ""


def decode_part(part: Message) -> str:
    """Decode one leaf part's payload with its charset, tolerating wrong labels."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = (part.get_content_charset() or "utf-8").lower()
    for cs in (charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


MAX_ATTACHMENTS = 20  # listed on an inquiry; more are not named


def is_attachment(part: Message) -> bool:
    """A file the sender attached: disposition ``attachment``, or a named part that is not
    shown inline (an inline image of a signature or a logo is not the renter's file)."""
    disposition = part.get_content_disposition()
    if disposition == "attachment":
        return True
    return bool(part.get_filename()) and disposition is None and part.get("Content-ID") is None


def attachment_of(part: Message) -> Attachment:
    """An attached file's name, type and size: the ``size`` parameter of its disposition
    (RFC 2183; a part Gmail left behind an ``attachmentId`` has no body), else its payload."""
    size = str(part.get_param("size", "", header="content-disposition") or "")
    if size.isdigit() and len(size) <= 12:
        length = int(size)
    else:
        payload = part.get_payload()
        encoded = len("".join(payload.split())) if isinstance(payload, str) else 0
        b64 = (part.get("Content-Transfer-Encoding") or "").strip().lower() == "base64"
        length = encoded * 3 // 4 if b64 else encoded
    name = decoded_words(part.get_filename() or "")[:HEADLINE_CHARS] or "attachment"
    return Attachment(name=name, type=part.get_content_type()[:100], bytes=length)


def read_mail(raw: bytes) -> Mail:
    """Parse raw email bytes into a :class:`Mail`.

    Args:
        raw: The RFC 822 message as received (``format=raw`` from Gmail, decoded).

    Returns:
        The decoded headers and the first text/plain and text/html bodies.
    """
    raw, hits = bounded(raw)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    text = html = ""
    attachments: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if is_attachment(part):
            if len(attachments) < MAX_ATTACHMENTS:
                attachments.append(attachment_of(part))
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and not text:
            text = decode_part(part)
        elif ctype == "text/html" and not html:
            html = decode_part(part)
    from_name, from_addr = first_address(header_text(msg, "From"))
    date, odd_date = _date(header_text(msg, "Date"))
    reply_name, reply = first_address(header_text(msg, "Reply-To"))
    return Mail(
        from_name=from_name,
        from_addr=from_addr,
        to_addr=first_address(header_text(msg, "To"))[1],
        reply_to=reply or None,
        reply_name=reply_name,
        subject=header_text(msg, "Subject"),
        date=date,
        text=text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n"),
        html=html,
        attachments=tuple(attachments),
        limits_hit=hits
        + (("text",) if len(text) > MAX_TEXT_CHARS else ())
        + (("date",) if odd_date else ()),
    )


HEADLINE_BYTES = 64 * 1024  # of an email's opening read for its subject and sender


def headline(raw: bytes) -> tuple[str, str]:
    """An email's subject and sender, for a person asked to decide what it is.

    Args:
        raw: The RFC 822 bytes; only the header block in the first 64 KiB is read.

    Returns:
        ``(subject, sender)``, each decoded, unfolded and at most 200 characters; the sender
        as ``Name <address>`` (or the address alone); empty strings when absent.
    """
    head = raw[:HEADLINE_BYTES].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    head = head.split(b"\n\n", 1)[0]
    msg = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
    name, addr = first_address(header_text(msg, "From"))
    sender = f"{name} <{addr}>" if name and addr else (addr or name)
    return header_text(msg, "Subject")[:HEADLINE_CHARS], sender[:HEADLINE_CHARS]


def _date(value: str) -> tuple[datetime | None, bool]:
    """The Date header as an aware datetime, and whether a date was there but not sane."""
    if not value:
        return None, False
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, True
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:  # ignored, ``doubtful``
        return None, True
    return (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)), False
