"""Hostile emails for ``make bench-parse``: the worst inputs we can build, generated.

Each builder returns raw RFC 822 bytes of at most about 5 MB (the pipeline's cap). They
aim at the places where a parser's cost can grow faster than its input: regular
expressions over long lines, line-by-line scans of huge bodies, the HTML tree, header
decoding and the MIME walk.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

_HEAD = (
    "From: {sender}\r\nTo: owner@example.com\r\nSubject: {subject}\r\n"
    "Date: Tue, 03 Mar 2026 12:34:56 -0500\r\nMIME-Version: 1.0\r\n"
)


def _mail(
    body: str,
    ctype: str = "text/plain",
    sender: str = "Ann Lee <ann@example.com>",
    subject: str = "Apartment at 12 Oak St",
) -> bytes:
    head = _HEAD.format(sender=sender, subject=subject)
    payload = base64.encodebytes(body.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
    return (
        f"{head}Content-Type: {ctype}; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{payload}"
    ).encode("ascii")


def quoted_blank_lines() -> bytes:
    """100 KB of ``>`` quote markers on their own lines, under a forward marker."""
    return _mail("---------- Forwarded message ---------\n" + "> \n" * 50_000 + "hello\n")


def long_says_line() -> bytes:
    """A forwarded Zillow-style email whose single 50 KB line almost says ``says:``."""
    line = "Ann Lee " * 6_000 + "say"
    body = f"---------- Forwarded message ---------\nFrom: x <a@convo.zillow.com>\n\n{line}\n"
    return _mail(body)


def long_label_line() -> bytes:
    """1 MB on one line of label-like text with colons but no line breaks."""
    return _mail("Name:" + " a:b" * 250_000)


def huge_from_header() -> bytes:
    """A 50 KB From header of quotes, angle brackets and commas."""
    sender = '"' + 'a"<b,' * 10_000 + '" <x@convo.zillow.com>'
    return _mail("Is 12 Oak St available?", sender=sender)


def encoded_words() -> bytes:
    """A Subject of 40,000 RFC 2047 encoded words."""
    return _mail("hi", subject=" ".join(["=?utf-8?q?a=C3=A9?="] * 40_000))


def nested_divs() -> bytes:
    """100,000 nested ``<div>`` (about 750 KB of HTML)."""
    return _mail("<div>" * 100_000 + "Name: Ann" + "</div>" * 100_000, "text/html")


def markup_3mb() -> bytes:
    """3 MB of ``<p>`` paragraphs with label-like text."""
    return _mail("<p>Phone: 215-555-0100</p>" * 115_000, "text/html")


def unclosed_tags() -> bytes:
    """1 MB of ``<a`` without a closing ``>``."""
    return _mail("<html><body>" + "<a " * 330_000, "text/html")


def deep_mime() -> bytes:
    """Multiparts nested 2,000 deep."""
    depth = 2_000
    head = _HEAD.format(sender="Ann Lee <ann@example.com>", subject="deep")
    parts = [head]
    for i in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n')
    parts.append("Content-Type: text/plain\r\n\r\nhello\r\n")
    for i in reversed(range(depth)):
        parts.append(f"--b{i}--\r\n")
    return "".join(parts).encode("ascii")


def many_parts() -> bytes:
    """5,000 small parts in one multipart."""
    head = _HEAD.format(sender="Ann Lee <ann@example.com>", subject="parts")
    body = "".join(f"--B\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(5_000))
    return f'{head}Content-Type: multipart/mixed; boundary="B"\r\n\r\n{body}--B--\r\n'.encode()


def spaces_5mb() -> bytes:
    """Close to 5 MB of spaces and tabs, one line."""
    return _mail(" \t" * 1_700_000)


def many_lines() -> bytes:
    """200,000 short label lines."""
    return _mail("Email:\n" * 200_000)


def unclosed_param_quote() -> bytes:
    """A 480 KB Content-Type with an unclosed quote and 160,000 ``;`` (quadratic in the
    standard library's parameter parser)."""
    head = _HEAD.format(sender="Ann Lee <ann@example.com>", subject="params")
    ctype = 'text/plain; charset="utf-8' + "; a" * 160_000
    return f"{head}Content-Type: {ctype}\r\n\r\nIs 12 Oak St available?\r\n".encode()


def repeated_root_tags() -> bytes:
    """3,000 ``<html>``/``<body>`` tags, each with 20 attributes."""
    attrs = " ".join(f'a{i}="v{i}"' for i in range(20))
    return _mail(f"<html {attrs}><body {attrs}>" * 3_000 + "Name: Ann", "text/html")


def huge_tag_attributes() -> bytes:
    """One tag with 150,000 attributes (about 1.7 MB)."""
    return _mail("<div " + " ".join(f"a{i}=1" for i in range(150_000)) + ">Ann</div>", "text/html")


def parts_without_type() -> bytes:
    """140,000 MIME parts that carry no Content-Type header (RFC 2045 defaults it)."""
    head = _HEAD.format(sender="Ann Lee <ann@example.com>", subject="parts")
    body = "--B\r\n\r\nx\r\n" * 140_000
    return f'{head}Content-Type: multipart/mixed; boundary="B"\r\n\r\n{body}--B--\r\n'.encode()


def year_9999() -> bytes:
    """A lead whose Date header is in the year 9999 (no Firestore timestamp can hold it)."""
    raw = _mail("Hi, is the apartment at 12 Oak St still available? I'd like to see it.\n\nAnn\n")
    return raw.replace(b"Tue, 03 Mar 2026 12:34:56 -0500", b"Fri, 31 Dec 9999 23:59:59 -0500")


def forwarded_year_9999() -> bytes:
    """A forwarded lead whose block, move-in date and tour day are in the year 9999."""
    body = (
        "---------- Forwarded message ---------\n"
        "From: Ann Lee <ann@example.com>\nDate: Fri, Dec 31, 9999 at 11:59 PM\n"
        "Subject: Apartment at 12 Oak St\n\n"
        "Hi, is the apartment at 12 Oak St still available? Move-in: 12/31/9999.\n"
        "I would like to request a tour on December 30, 9999 at 10 AM.\n\nAnn Lee\n"
    )
    return _mail(body, sender="Owner <owner@example.com>", subject="Fwd: Apartment at 12 Oak St")


def bidi_names() -> bytes:
    """A lead whose names and phone carry bidi and other control characters."""
    sender = "=?utf-8?b?" + base64.b64encode("Ann\u202e Lee\u2066".encode()).decode() + "?="
    body = "Hi, is the apartment at 12 Oak St available? Call me at 215-555-0143\u200f.\n\nAnn\n"
    return _mail(body, sender=f"{sender} <ann@example.com>")


def bare_cr_param_quote() -> bytes:
    """320 KB: one bare CR line ending before a Content-Type with an unclosed quote and
    100,000 ``;`` (the email package breaks lines at a bare CR; a cut that only looked after
    ``\n`` let the quadratic parameter parser run)."""
    head = "From: Ann Lee <ann@example.com>\r\nTo: owner@example.com\r\nSubject: params\r"
    ctype = 'Content-Type: text/plain; charset="utf-8' + "; a" * 106_000
    return f"{head}{ctype}\r\n\r\nIs 12 Oak St available?\r\n".encode()


def rfc822_nest() -> bytes:
    """``message/rfc822`` parts nested 2,000 deep, bare-CR line endings (the email package
    recursed past the interpreter's limit)."""
    nest = "Content-Type: message/rfc822\r\rFrom: x@example.com\rSubject: s\r" * 2_000
    return f"From: a@example.com\rSubject: deep\r{nest}Content-Type: text/plain\r\rhi\r".encode()


HOSTILE: dict[str, Callable[[], bytes]] = {
    f.__name__: f
    for f in (
        quoted_blank_lines,
        long_says_line,
        long_label_line,
        huge_from_header,
        encoded_words,
        nested_divs,
        markup_3mb,
        unclosed_tags,
        deep_mime,
        many_parts,
        spaces_5mb,
        many_lines,
        unclosed_param_quote,
        repeated_root_tags,
        huge_tag_attributes,
        parts_without_type,
        year_9999,
        forwarded_year_9999,
        bidi_names,
        bare_cr_param_quote,
        rfc822_nest,
    )
}

LINE_ENDINGS = {"crlf": b"\r\n", "lf": b"\n", "cr": b"\r"}


def with_line_ending(raw: bytes, ending: bytes) -> bytes:
    """``raw`` with every line ending (CRLF, LF or bare CR) made ``ending``."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", ending)


def variant(name: str) -> bytes:
    """A hostile email by ``<builder>`` or ``<builder>@<crlf|lf|cr>`` (its line endings)."""
    builder, _, ending = name.partition("@")
    raw = HOSTILE[builder]()
    return with_line_ending(raw, LINE_ENDINGS[ending]) if ending else raw


VARIANTS = tuple(f"{name}@{ending}" for name in HOSTILE for ending in LINE_ENDINGS)
"""Every hostile email in every line ending the email package reads as one."""
