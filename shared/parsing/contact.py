"""Contact values found by shape and position: unlabelled email and phone lines, link
targets (``mailto:``/``tel:``/``?phone=``), and the Reply-To header."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from shared.parsing.families import PLATFORM_DOMAINS
from shared.parsing.normalize.phones import to_e164
from shared.parsing.view import domain_matches, real_email

_EMAIL_LINE = re.compile(r"^[\w.%+'’-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[A-Za-z]{2,24}$")
_PHONE_LINE = re.compile(r"^\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}$")
_MAILTO = re.compile(r"mailto:([^\"'<>\s?&]{3,254})", re.I)
_TEL = re.compile(r"(?:tel:|[?&](?:amp;)?phone=)([^\"'<>\s&#]{7,40})", re.I)
_NOT_A_RELAY = re.compile(
    r"^(?:no-?reply|do-?not-?reply|support|leads?|info|interests|notifications?|updates)\b", re.I
)


def email_lines(lines: Iterable[str], exclude: Sequence[str] = ()) -> str | None:
    """The first line that is only an email address of a person (not a platform's)."""
    for line in lines:
        if _EMAIL_LINE.match(line):
            found = real_email(line)
            if found and found not in exclude:
                return found
    return None


def phone_lines(lines: Iterable[str]) -> str | None:
    """The first line that is only a phone number, in E.164."""
    for line in lines:
        if len(line) <= 20 and _PHONE_LINE.match(line):
            found = to_e164(line)
            if found:
                return found
    return None


def linked_email(html: str, exclude: Sequence[str] = ()) -> str | None:
    """The first ``mailto:`` target in the HTML that is a person's address."""
    for match in _MAILTO.finditer(html[:500_000]):
        found = real_email(unquote(match.group(1)))
        if found and found not in exclude:
            return found
    return None


def linked_phone(html: str) -> str | None:
    """The first ``tel:`` or ``?phone=`` link target that is a valid phone, in E.164."""
    for match in _TEL.finditer(html[:500_000]):
        found = to_e164(unquote(match.group(1).replace("=\n", "")))
        if found:
            return found
    return None


def relay_of(reply_to: str | None, from_addr: str) -> str | None:
    """The Reply-To (or From) address when it is a platform relay that reaches the renter."""
    for addr in (reply_to, from_addr):
        if not addr or not domain_matches(addr, PLATFORM_DOMAINS) or _NOT_A_RELAY.match(addr):
            continue
        if addr != from_addr or "convo." in addr or "reply" in addr.split("@")[0]:
            return addr
    return None
