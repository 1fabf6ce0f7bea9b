"""Where a site's own text starts: the footer zone, whose values are never the renter's or
the listing's (an office address, a support phone, an unsubscribe address)."""

from __future__ import annotations

import re
from collections.abc import Sequence

FOOTER = re.compile(
    r"^(?:unsubscribe\b.*|©.*|\(c\) ?\d{4}.*|copyright\b.*|all rights reserved.*|"
    r".{0,80}\b(?:this (?:e-?mail|message) (?:was|is|has been) (?:sent|intended)|"
    r"you (?:are receiving|received) this (?:e-?mail|message)|"
    r"privacy policy|terms of (?:use|service)|manage (?:your )?(?:email|notification) "
    r"(?:preferences|settings)|email preferences)\b.*|"
    r"[A-Z][\w&.' -]{1,40},? (?:Inc|LLC|L\.L\.C|Corp|Corporation)\b\.?,?(?: .{0,120})?|"
    r"have questions or need help\b.*|other helpful links|about craigslist mail:?|"
    r"original craigslist post:?|please flag unwanted messages.*|thanks for using craigslist.*|"
    r"know your fair housing obligations.*|is this inquiry spam\?.*|report spam.*|"
    r"learn about scams\.?|forward suspected scams.*)$",
    re.I,
)


def is_footer_line(line: str) -> bool:
    """True for a line that starts a site's footer (legal text, office, unsubscribe)."""
    return len(line) <= 300 and bool(FOOTER.match(line))


def content_end(lines: Sequence[str]) -> int:
    """Index of the first footer line (``len(lines)`` when there is none).

    The first two lines are never taken as a footer (a heading such as ``Acme, Inc.``
    can open an email).
    """
    for i, line in enumerate(lines):
        if i >= 2 and line and is_footer_line(line):
            return i
    return len(lines)
