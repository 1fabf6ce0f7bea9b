"""Body text to the bounded, cleaned lines every source reads."""

from __future__ import annotations

import re

from shared.parsing.limits import MAX_LINE_CHARS, MAX_LINES

# Answers that say nothing, in a name, a message or a form field (lower case, no full stop).
NO_ANSWER = frozenset(
    {
        "",
        "na",
        "n/a",
        "none",
        "none given",
        "null",
        "-",
        "--",
        "not answered",
        "not provided",
        "not specified",
        "unknown",
    }
)

_TAIL = re.compile(r"<(?:mailto|tel|sms|https?):[^<>\s]{0,500}>", re.I)
# "[mailto:…]", "[ https://… ]" or "<…>" after a value (text parts and link renderings)
BRACKET_TAIL = re.compile(r"\s*(?:\[[^\]]{0,300}\]|<[^>]{0,300}>)")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTE_OPEN = re.compile(r"^On .{4,300}\bwrote:\s*$")
_QUOTE_SPLIT = re.compile(r"^On .{4,200}$")
_ORIGINAL = re.compile(r"^-{2,}\s*Original Message\s*-{2,}$|^_{8,}$", re.I)


def body_lines(body: str) -> tuple[list[str], bool]:
    """Split a body into stripped lines, bounded in count and length.

    ``<mailto:…>``, ``<tel:…>`` and link tails that text parts add after a value are
    removed, and zero-width characters dropped.

    Args:
        body: Plain text (or HTML rendered as text).

    Returns:
        The lines, and whether a bound cut anything.
    """
    lines: list[str] = []
    cut = False
    body = _ZERO_WIDTH.sub("", body[: MAX_LINES * (MAX_LINE_CHARS + 1)])  # one pass, not per line
    for index, raw in enumerate(body.split("\n", MAX_LINES)):
        if index >= MAX_LINES:
            cut = True
            break
        line = raw[:MAX_LINE_CHARS]
        cut = cut or len(raw) > MAX_LINE_CHARS
        if "<" in line:
            line = _TAIL.sub("", line)
        lines.append(line.strip())
    return lines, cut


def quoted_reply_at(lines: list[str]) -> int:
    """Index of the first line of a quoted earlier message (``On … wrote:``), else len."""
    for i, line in enumerate(lines):
        if line.startswith(">") or _ORIGINAL.match(line) or _QUOTE_OPEN.match(line):
            return i
        if (
            _QUOTE_SPLIT.match(line)
            and i + 1 < len(lines)
            and lines[i + 1].endswith("wrote:")
            and len(lines[i + 1]) < 200
        ):
            return i
    return len(lines)
