"""An email with every trace of the people in it replaced, for a fixture candidate.

What is replaced, in every message of the tree (a forward attached as ``message/rfc822``
included), in its headers and its text parts, whatever the text's form (plain, quoted-
printable or base64 are decoded first; inside the text an ``@`` or ``.`` written as an HTML
entity or percent-encoded is matched too):

* every email address: its local part by an invented one (stable per address), its domain
  kept (the sites' domains are how the parser knows a family); role addresses such as
  ``noreply@`` or ``leads@`` are kept as they are;
* every North American phone number, by a 555-01xx number;
* the words of every person's name the record or a header's display name gives.

Headers outside ``SAFE_HEADERS`` are dropped (``Return-Path``, ``Sender``, ``Message-ID``,
``Received``, ``X-Original-From``…); attachments are emptied and renamed. A part whose
charset Python does not know is emptied, with a note.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses

from shared.parsing.parse import ROBOT_LOCAL
from shared.parsing.renter import person_name
from shared.types import JsonObject

SAFE_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "reply-to",
        "subject",
        "date",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
    }
)
NAME_HEADERS = ("From", "Reply-To", "Sender", "X-Original-From", "To", "Cc")
FIRST = ("Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Rowan", "Emerson")
LAST = ("Hollis", "Marsh", "Delgado", "Okoro", "Lindgren", "Petrov", "Achebe", "Sato")
# a character as itself, an HTML entity (decimal, hex, named) or percent-encoded
_SPELLED = {
    "@": r"(?:@|&#0*64;|&#x0*40;|&commat;|%40)",
    ".": r"(?:\.|&#0*46;|&#x0*2e;|&period;|%2e)",
    "+": r"(?:\+|&#0*43;|&#x0*2b;|%2b)",
    "-": r"(?:-|&#0*45;|&#x0*2d;|%2d)",
    "_": r"(?:_|&#0*95;|&#x0*5f;|%5f)",
}
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_AT = _SPELLED["@"]
_DOT = _SPELLED["."]
ADDRESS = re.compile(
    rf"((?:{_LOCAL}|{_DOT}|{_SPELLED['+']}){{1,64}}){_AT}([A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)+)",
    re.I,
)
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")


def _pick(options: tuple[str, ...], seed: str) -> str:
    return options[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(options)]


def _spelled(word: str) -> str:
    """A pattern for ``word`` whatever entity or percent form its punctuation takes."""
    return "".join(_SPELLED.get(c, re.escape(c)) for c in word)


@dataclass
class Anonymiser:
    """The invented stand-ins of one email, stable for the same value."""

    seed: str
    names: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def learn(self, record: JsonObject, msg: EmailMessage) -> None:
        """Collect the names to replace: the record's and every person in a header."""
        for key in ("first_name", "last_name"):
            self.names.update(_words(record.get(key)))
        for part in msg.walk():
            for header in NAME_HEADERS:
                for name, _ in getaddresses([str(v) for v in part.get_all(header) or []]):
                    if person_name(name) is not None:
                        self.names.update(_words(name))

    def text(self, value: str) -> str:
        """``value`` with every address, phone number and known name replaced."""
        value = ADDRESS.sub(self._address, value)
        value = PHONE.sub(self._phone, value)
        for name in sorted(self.names, key=len, reverse=True):
            pattern = re.compile(rf"(?<![A-Za-z]){_spelled(name)}(?![A-Za-z])", re.I)
            value = pattern.sub(_pick(FIRST + LAST, self.seed + name.lower()), value)
        return value

    def _address(self, match: re.Match[str]) -> str:
        local, domain = match.group(1), match.group(2)
        if ROBOT_LOCAL.match(local):  # noreply@, leads@…: a role, nobody's name
            return match.group(0)
        key = self.seed + local.lower()
        invented = f"{_pick(FIRST, key + 'f')}.{_pick(LAST, key + 'l')}".lower()
        return f"{invented}@{domain}"

    def _phone(self, match: re.Match[str]) -> str:
        number = int(hashlib.sha256((self.seed + match.group(0)).encode()).hexdigest(), 16)
        return f"{match.group(1)}-555-01{number % 100:02d}"


def _words(value: object) -> Iterable[str]:
    return [w for w in re.findall(r"[^\W\d_]+", str(value or "")) if len(w) > 1]


def anonymised(raw: bytes, record: JsonObject, seed: str) -> tuple[bytes, list[str]]:
    """The email with the people in it replaced (module docstring), and the notes on what
    could not be read (a part in an unknown charset, emptied)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    who = Anonymiser(seed)
    who.learn(record, msg)
    for part in list(msg.walk()):
        assert isinstance(part, EmailMessage)
        _headers(part, who)
        if part.is_multipart():
            continue
        _body(part, who)
    return msg.as_bytes(), who.notes


STRUCTURE = frozenset(
    {"mime-version", "content-type", "content-transfer-encoding", "content-disposition"}
)


def _headers(part: EmailMessage, who: Anonymiser) -> None:
    for name in {k.lower(): k for k in part}.values():
        if name.lower() in STRUCTURE:
            continue
        values = [str(v) for v in part.get_all(name) or []]
        del part[name]
        if name.lower() in SAFE_HEADERS:
            for value in values:
                part[name] = who.text(value)
    for header in ("content-type", "content-disposition"):  # a file name may be the renter's
        for param in ("name", "filename"):
            if part.get_param(param, header=header) is not None:
                part.set_param(param, "attachment", header=header)


def _body(part: EmailMessage, who: Anonymiser) -> None:
    if part.get_content_maintype() != "text" or part.get_content_disposition() == "attachment":
        part.set_content(
            b"", "application", "octet-stream", disposition="attachment", filename="attachment"
        )
        return
    try:
        text = part.get_content()
    except LookupError:  # a charset Python does not know: nothing of it is exported
        who.notes.append(f"a {part.get_content_type()} part in an unknown charset was emptied")
        part.set_content("", subtype=part.get_content_subtype())
        return
    cte = str(part.get("Content-Transfer-Encoding") or "quoted-printable").lower()
    cte = cte if cte in ("7bit", "8bit", "base64", "quoted-printable") else "quoted-printable"
    part.set_content(who.text(text), subtype=part.get_content_subtype(), cte=cte)
