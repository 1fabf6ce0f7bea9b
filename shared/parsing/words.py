"""The renter's own words in mail no template knows: after a ``<Name> says:`` anchor, a
labelled message, a quoted block, or else the first paragraph in the renter's voice. A
message ends at the first heading, button, label, profile row or site block."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from shared.parsing.labels import Labels, trim_block
from shared.parsing.message import is_site_text, is_unanswered_message, unquote
from shared.parsing.text import BRACKET_TAIL

ANCHOR = re.compile(
    r"^(?P<name>[^\s:][^:]{0,80}?) (?:says|said|wrote|writes|asked|has sent you a message|"
    r"sent you a message|requested a tour(?: and is available)?|requested a showing|"
    r"requested an application|would like to (?:tour|schedule|see)[^:]{0,60}|"
    r"is interested in [^:]{1,80} and says)\s{0,2}:\s{0,2}(?P<rest>.*)$"
)
BUTTON = re.compile(
    r"^(?:reply|respond|call|sms|text|e-?mail|view|see|send|schedule|book|manage|contact|"
    r"visit|open|click|tap|deactivate|report|block|accept|decline|confirm|reschedule|"
    r"approve|screen|invite|start|learn|download|get)\b[^.?!]{0,50}$",
    re.I,
)
_RENTER_VOICE = re.compile(r"\b(?:I|I'm|I'd|I've|I’m|we|We|we're|my|My|our|Our|me|us)\b")
SITE_VOICE = re.compile(
    r"\b(?:your (?:listing|property|rental|unit|ad|post)|you have (?:received|an?\b|been)|"
    r"the following (?:individual|prospect|lead|renter|person|user)|hit reply|"
    r"reply (?:directly )?to (?:respond|this e-?mail)|has expressed an? interest|"
    r"please compose|found your listing|sent you this message|contact information is below|"
    r"(?:new|a) (?:lead|inquiry|tour request|contact|guest card)\b|via [A-Z]\w+$|"
    r"(?:renter|prospect|lead|applicant)(?:'s)? (?:information|details|profile)|"
    r"please (?:contact|respond to|reply to|follow up with|call) (?:this|the) "
    r"(?:consumer|lead|prospect|renter|client|customer|person)|"
    r"(?:a|the) (?:consumer|prospect|renter|visitor|user) (?:has )?(?:sent|submitted))",
    re.I,
)
_QUOTE_OPEN = "\"“'"
_QUOTE_CLOSE = "\"”'"
_BREAK = re.compile(r"^(?:-{3,}|_{3,}|={3,}|\*{3,})$")
_CONTACT_ONLY = re.compile(r"^(?:\S+@\S+\.\w+|\+?[\d().\s-]{7,20})$")
_SIGN_OFF = re.compile(r"^[A-Z][a-z'’-]{1,20}(?: [A-Z][a-z'’-]{1,20}){0,2}$")
_GREETING = re.compile(r"^[A-Z][\w' ]{0,30}[,.!]$")
_MAX_LINES = 60


def is_boilerplate(line: str) -> bool:
    """A line in the site's voice (addressed to the landlord), not the renter's."""
    return bool(SITE_VOICE.search(line)) and not _RENTER_VOICE.search(line)


def _stops(line: str, labels: Labels, extra: Callable[[str], bool]) -> bool:
    return (
        is_site_text(line)
        or bool(
            _BREAK.match(line)
            or BUTTON.match(BRACKET_TAIL.sub("", line))
            or _CONTACT_ONLY.match(line)
        )
        or labels.key_of(line)[0] is not None
        or is_boilerplate(line)
        or extra(line)
    )


def _collect(lines: Sequence[str], labels: Labels, extra: Callable[[str], bool]) -> str | None:
    out: list[str] = []
    for line in lines[:_MAX_LINES]:
        if line and _stops(line, labels, extra):
            break
        out.append(line)
    text = unquote(trim_block(out))
    return None if is_unanswered_message(text) else text


def quoted_block(lines: Sequence[str]) -> tuple[int, str | None]:
    """The first block that opens with a quotation mark, up to the line that closes it."""
    for i, line in enumerate(lines):
        if len(line) > 1 and line[0] in _QUOTE_OPEN and not line.startswith("''"):
            out = []
            for follow in lines[i : i + _MAX_LINES]:
                out.append(follow)
                if follow and follow[-1] in _QUOTE_CLOSE and (len(out) > 1 or len(follow) > 2):
                    break
            return i, unquote(trim_block(out))
    return -1, None


def _is_prose(line: str) -> bool:
    words = line.split()
    if len(words) >= 4 or _GREETING.match(line):
        return not is_boilerplate(line)
    return False


def prose(lines: Sequence[str], labels: Labels, extra: Callable[[str], bool]) -> str | None:
    """The first paragraph run in the renter's voice (a question, ``I``/``we``), or None."""
    i = 0
    while i < len(lines):
        if not _is_prose(lines[i]) or _stops(lines[i], labels, extra):
            i += 1
            continue
        run: list[str] = []
        j = i
        while j < len(lines) and (not lines[j] or _is_prose(lines[j])):
            if lines[j] and _stops(lines[j], labels, extra):
                break
            run.append(lines[j])
            j += 1
        text = trim_block(run)
        if text and (_RENTER_VOICE.search(text) or "?" in text):
            if (
                j < len(lines)
                and _SIGN_OFF.match(lines[j])
                and (j + 1 == len(lines) or not lines[j + 1] or _stops(lines[j + 1], labels, extra))
            ):
                text = f"{text}{chr(10) * (1 if run[-1] else 2)}{lines[j]}"
            return unquote(text)
        i = max(j, i + 1)
    return None


def renter_words(
    lines: Sequence[str], labels: Labels, extra: Callable[[str], bool]
) -> tuple[str | None, str | None]:
    """The renter's message and the name an anchor line gave (``<Name> says:``).

    Args:
        lines: The content lines (before the footer).
        labels: The label reading of those lines.
        extra: A source's own stop lines.

    Returns:
        ``(message, anchor name)``; either may be None.
    """
    if "message" in labels.index:
        text = unquote(labels.block("message", lambda ln: _stops(ln, labels, extra)))
        if not is_unanswered_message(text):
            return text, None
    for i, line in enumerate(lines):
        m = ANCHOR.match(line)
        if m is None or len(line) > 300:
            continue
        at, quoted = quoted_block(lines[i + 1 : i + 10])
        if quoted and at >= 0:
            return quoted, m.group("name")
        rest = [m.group("rest")] if m.group("rest") else []
        return _collect([*rest, *lines[i + 1 :]], labels, extra), m.group("name")
    at, quoted = quoted_block(lines)
    if quoted:
        return quoted, None
    return prose(lines, labels, extra), None
