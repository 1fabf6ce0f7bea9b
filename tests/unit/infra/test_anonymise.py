"""The corrections export leaves none of the people's values in any form: headers outside a
safe list, HTML entities, percent- and quoted-printable encodings, a forward attached as
``message/rfc822``, attachment names, an address the parser missed; an unknown charset is
emptied with a note instead of stopping the export."""

from __future__ import annotations

import base64
import email
import email.policy
import html
import quopri
import re
from urllib.parse import unquote

from infra.anonymise import anonymised
from shared.parsing import parse_email

NAME, ADDRESS, PHONE = "Zephyrine Quillfeather", "zephyrine.q@example.net", "215-555-0143"
VALUES = ("zephyrine", "quillfeather", "zephyrine.q", ADDRESS, "2155550143", "555-0143")


def _crafted() -> bytes:
    text = quopri.encodestring(
        f"Hi, I'm {NAME}. Reach me at {ADDRESS} or {PHONE} about 12 Oak St.\n".encode()
    ).decode()
    page = (
        '<p>Write to <a href="mailto:zephyrine.q%40example.net">'
        "zephyrine.q&#64;example&#46;net</a> or zephyrine.q&commat;example.net</p>"
    )
    forwarded = (
        f"From: {NAME} <{ADDRESS}>\r\nSubject: Oak St\r\nContent-Type: text/plain\r\n\r\n"
        f"Call {PHONE}, {NAME}\r\n"
    )
    pdf = base64.encodebytes(b"%PDF-1.4 pay stub of Zephyrine").decode()
    return (
        f"Return-Path: <{ADDRESS}>\r\nReceived: from zephyrine.q by mail.example.net\r\n"
        f"Sender: {NAME} <{ADDRESS}>\r\nX-Original-From: {ADDRESS}\r\n"
        "Message-ID: <zephyrine.q.4242@mail.example.net>\r\n"
        f'From: "{NAME}" <{ADDRESS}>\r\nTo: landlord@example.com\r\n'
        "Subject: Question from Zephyrine\r\nDate: Tue, 03 Mar 2026 12:34:56 -0500\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{text}\r\n"
        f"--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{page}\r\n"
        f"--B\r\nContent-Type: message/rfc822\r\n\r\n{forwarded}\r\n"
        '--B\r\nContent-Type: application/pdf; name="Zephyrine_Quillfeather_stub.pdf"\r\n'
        'Content-Disposition: attachment; filename="Zephyrine_Quillfeather_stub.pdf"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n"
        "--B\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        f"{NAME} {PHONE}\r\n--B--\r\n"
    ).encode()


def _forms(raw: bytes) -> list[str]:
    """Every readable form of the exported email: its bytes as sent and quoted-printable
    decoded, each header decoded, each part's payload decoded, entity- and percent-decoded."""
    forms = [raw.decode("latin-1"), quopri.decodestring(raw).decode("latin-1")]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        forms += [str(v) for _, v in part.items()]
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            forms.append(payload.decode("utf-8", "replace"))
    return [f for form in forms for f in (form, html.unescape(form), unquote(form))]


def test_the_export_keeps_no_value_of_the_people_in_any_form() -> None:
    raw = _crafted()
    record = parse_email(raw).to_dict()
    out, notes = anonymised(raw, record, "seed01")
    forms = [f.lower() for f in _forms(out)]
    found = {v for v in VALUES for f in forms if v in f or v in re.sub(r"\D", "", f)}
    assert found == set()
    assert notes == ["a text/plain part in an unknown charset was emptied"]
    headers = {k.lower() for k, _ in email.message_from_bytes(out).items()}
    assert headers == {"from", "to", "subject", "date", "mime-version", "content-type"}


def test_what_the_parser_reads_survives_anonymising() -> None:
    """Sites' domains, role addresses and the listing stay, so the candidate still tests
    what the parser does with this kind of mail."""
    raw = (
        "From: Zillow Rentals <noreply@convo.zillow.com>\r\nReply-To: 4f8a9c2e1b@convo.zillow.com"
        "\r\nTo: landlord@example.com\r\nSubject: Zephyrine is requesting information about "
        "12 Oak St\r\nContent-Type: text/plain\r\n\r\nZephyrine Quillfeather says: Is it "
        f"available? {PHONE}\r\n"
    ).encode()
    out, _ = anonymised(raw, {"first_name": "Zephyrine", "last_name": "Quillfeather"}, "s")
    text = out.decode()
    assert "noreply@convo.zillow.com" in text and "@convo.zillow.com" in text
    assert "4f8a9c2e1b@" not in text and "12 Oak St" in text
    assert "zephyrine" not in text.lower() and "555-0143" not in text
