"""The raw bytes cut before the standard library's email package parses them: its costs grow
with the size, the nesting, the number of parts and (quadratically) a parameter header's
unclosed quotes and ``;``.

The email package breaks lines at ``\r\n``, ``\n`` and a bare ``\r`` alike, so every line
ending is made ``\n`` first: the cuts below then see exactly the lines the parser sees."""

from __future__ import annotations

import re

from shared.parsing.limits import MAX_MULTIPARTS, MAX_PARTS, MAX_RAW_BYTES

_PART_HEADER = re.compile(rb"^content-type:", re.I | re.M)
# A part's boundary line: "--" then no white space, not a line of dashes only. A part needs
# no Content-Type (RFC 2045 defaults it), so parts are counted by their boundaries.
_BOUNDARY_LINE = re.compile(rb"^--(?!-*\r?$)[^\s]{1,200}\r?$", re.M)
# Content-Type / Content-Disposition with its folded lines: the standard library parses
# their parameters in quadratic time (an unclosed quote and many ";"), so they are cut first.
_PARAM_HEADER = re.compile(
    rb"^(content-(?:type|disposition)[ \t]*:)([^\n]*(?:\n[ \t][^\n]*)*)", re.I | re.M
)
MAX_PARAM_BYTES = 512
_MULTIPART = re.compile(rb"^content-type:[ \t]*multipart/", re.I | re.M)


def bounded(raw: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Cut the raw bytes before the email package parses them: size, parts, multiparts.

    The email package's parser checks every line against every open boundary, so its cost
    grows with the nesting depth; a message is cut before its ``MAX_PARTS``-th part header
    and its ``MAX_MULTIPARTS``-th multipart container (what comes before parses as usual).
    """
    hits: list[str] = []
    raw = one_line_ending(raw)
    if len(raw) > MAX_RAW_BYTES:
        raw = raw[:MAX_RAW_BYTES]
        hits.append("size")
    raw, cut = _cut_param_headers(raw)
    if cut:
        hits.append("header")
    low = raw.lower()
    if (
        low.count(b"content-type:") <= MAX_PARTS
        and low.count(b"multipart/") <= MAX_MULTIPARTS
        and raw.count(b"\n--") <= 2 * MAX_PARTS
    ):
        return raw, tuple(hits)
    for pattern, limit, name in (
        (_MULTIPART, MAX_MULTIPARTS, "multiparts"),
        (_PART_HEADER, MAX_PARTS, "parts"),
        (_BOUNDARY_LINE, 2 * MAX_PARTS, "parts"),
    ):
        for count, match in enumerate(pattern.finditer(raw), start=1):
            if count > limit:
                raw = raw[: match.start()]
                hits.append(name)
                break
    return raw, tuple(hits)


_BARE_CR = re.compile(rb"\r(?!\n)")


def one_line_ending(raw: bytes) -> bytes:
    """Every line ending as ``\n`` where a bare ``\r`` is one (the email package's own
    reading); mail of ``\r\n`` or ``\n`` lines alone is left as it is (the cuts match both)."""
    if _BARE_CR.search(raw) is None:
        return raw
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _cut_param_headers(raw: bytes) -> tuple[bytes, bool]:
    """Every parameter header cut to ``MAX_PARAM_BYTES`` (quotes closed), and whether one was."""
    cut = False

    def shorten(match: re.Match[bytes]) -> bytes:
        nonlocal cut
        value = match.group(2)
        if len(value) <= MAX_PARAM_BYTES:
            return match.group(0)
        cut = True
        value = value[:MAX_PARAM_BYTES].replace(b"\r", b"").replace(b"\n", b" ")
        return match.group(1) + value + (b'"' if value.count(b'"') % 2 else b"")

    return _PARAM_HEADER.sub(shorten, raw), cut
