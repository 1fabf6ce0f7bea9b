"""The same lead read the same way whatever the encoding, charset or forward style.

Every dev-corpus email is re-encoded (base64, 8bit, quoted-printable windows-1252) and
forwarded (Outlook text, Outlook HTML, Gmail HTML); its lead must not change.
"""

from __future__ import annotations

import base64
import email
import email.message
import email.utils
import html
import quopri
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from shared.parsing import parse_email
from tests.golden import golden_files

DEV = golden_files("dev")
FIELDS = [
    "is_lead",
    "source",
    "first_name",
    "last_name",
    "email",
    "phone",
    "property",
    "move_in_date",
    "credit_score",
    "income",
    "pets",
    "occupants",
    "bedrooms",
    "lease_months",
    "message",
]


def reencode(raw: bytes, cte: str, charset: str | None = None) -> bytes:
    msg = email.message_from_bytes(raw)
    for part in msg.walk():
        if part.is_multipart():
            continue
        cs = part.get_content_charset() or "utf-8"
        raw_payload = part.get_payload(decode=True)
        assert isinstance(raw_payload, bytes)
        text = raw_payload.decode(cs)
        payload = text.encode(charset or cs, errors="strict") if charset else text.encode(cs)
        if charset:
            part.set_param("charset", charset)
        del part["Content-Transfer-Encoding"]
        if cte == "base64":
            part.set_payload(base64.encodebytes(payload).decode("ascii"))
        elif cte == "quoted-printable":
            part.set_payload(quopri.encodestring(payload).decode("ascii"))
        else:
            part.set_payload(payload.decode(charset or cs))
        part["Content-Transfer-Encoding"] = cte
    return msg.as_bytes()


def _decoded(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def forward(raw: bytes, style: str) -> bytes | None:
    msg = email.message_from_bytes(raw)
    bodies = {p.get_content_type(): _decoded(p) for p in msg.walk() if not p.is_multipart()}
    sent = email.utils.parsedate_to_datetime(msg["Date"]).astimezone(ZoneInfo("America/New_York"))
    plain_subject = " ".join(str(msg["Subject"]).split())  # unfolded
    frm, subject = html.escape(str(msg["From"])), html.escape(plain_subject)
    out = email.message.EmailMessage()
    out["From"], out["Subject"] = "Dana <dana@example.com>", f"FW: {plain_subject}"
    out["Date"] = "Mon, 01 Jun 2026 10:00:00 -0400"
    if style == "outlook-text":
        if "text/plain" not in bodies:
            return None
        out.set_content(
            f"FYI\n\n-----Original Message-----\nFrom: {msg['From']}\nSent: "
            f"{sent:%A, %B %d, %Y %I:%M %p}\nTo: ops@example.com\nSubject: "
            f"{plain_subject}\n\n{bodies['text/plain']}"
        )
        return out.as_bytes()
    if "text/html" not in bodies or "Forwarded" in bodies["text/html"]:
        return None
    if style == "outlook-html":
        head = (
            f"<div>FYI</div><div><p><b>-----Original Message-----</b><br><b>From:</b> {frm}<br>"
            f"<b>Sent:</b> {sent:%A, %B %d, %Y %I:%M %p}<br><b>To:</b> ops@example.com<br>"
            f"<b>Subject:</b> {subject}</p></div>"
        )
    else:
        head = (
            f"<div dir=ltr>see below<br><div class=gmail_quote><div class=gmail_attr>"
            f"---------- Forwarded message ---------<br>From: <strong>{frm}</strong><br>"
            f"Date: {sent:%a, %b %d, %Y at %I:%M %p}<br>Subject: {subject}<br>"
            "To: &lt;ops@example.com&gt;<br></div><br>"
        )
    out.set_content(head + bodies["text/html"], subtype="html")
    return out.as_bytes()


VARIANTS: dict[str, Callable[[bytes], bytes | None]] = {
    "base64": lambda raw: reencode(raw, "base64"),
    "8bit": lambda raw: reencode(raw, "8bit"),
    "qp-windows-1252": lambda raw: reencode(raw, "quoted-printable", "windows-1252"),
    "outlook-text": lambda raw: forward(raw, "outlook-text"),
    "outlook-html": lambda raw: forward(raw, "outlook-html"),
    "gmail-html": lambda raw: forward(raw, "gmail-html"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_lead_is_unchanged_by_encoding_and_forwarding(variant: str) -> None:
    checked = 0
    for path in DEV:
        raw = path.read_bytes()
        changed = VARIANTS[variant](raw)
        if changed is None:
            continue
        base, got = parse_email(raw).to_dict(), parse_email(changed).to_dict()
        assert {k: got[k] for k in FIELDS} == {k: base[k] for k in FIELDS}, path.name
        checked += 1
    assert checked >= 15
