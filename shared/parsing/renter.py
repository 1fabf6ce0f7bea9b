"""Who the renter is and how to reach them, in mail no template knows: name from labels,
anchor lines, the subject, Reply-To or From display names and self-introductions; contact
anywhere in the content except the site's own addresses, phones and footer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from shared.parsing.contact import linked_phone
from shared.parsing.labels import Labels
from shared.parsing.normalize.names import clean_name, name_parts, split_name
from shared.parsing.normalize.phones import to_e164
from shared.parsing.site import registrable
from shared.parsing.text import BRACKET_TAIL
from shared.parsing.view import LeadMail, domain_matches, real_email

_VIA = re.compile(r"\s+(?:via|from|on|through)\s+\S.{0,40}$", re.I)
_SUBJECT_NAME = re.compile(
    r"\bfrom (?P<n>[^()@:*]{2,60}?)(?: for | about | regarding | \(| - | ?\*|[.!]|$)|"
    r"\blead ?[-–:] ?(?P<l>[^()@:]{2,60}?)$|"
    r"^(?:re: |fwd?: |\* )*(?P<m>[^:@*]{2,60}?) (?:is interested in|is requesting|wants to|"
    r"would like|sent you|has sent|requested|"
    r"is \"?(?:looking|interested|ready to move|touring)\"? (?:at|in))",
    re.I,
)
_ABOUT = re.compile(r"^About (?P<n>[A-Z][\w'’-]{0,30}(?: [A-Z][\w'’.-]{0,30}){1,3})$")
_SELF = re.compile(
    r"\b(?:my name is|I'm|I am|this is)\s([A-ZÀ-Þ][\w'’-]{1,30}(?: [A-ZÀ-Þ][\w'’-]{1,30}){0,2})"
)
_NOT_NAME = re.compile(
    r"\b(?:following|renter|tenant|resident|prospect|someone|user|new|team|housing|"
    r"apartments?|rentals?|leasing|notifications?|assistance|alerts?|support|services?|"
    r"listings?|properties|property|realty|management|group|network|inquir\w*|message|"
    r"admin|office|noreply|reply|info|hello|hi|dear|consumer|client|customer|buyer|visitor|"
    r"guest|applicant|agent|website|wordpress|form|someone|calendar|voice|ringcentral)\b",
    re.I,
)
_EMAIL = re.compile(r"[\w.%+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[A-Za-z]{2,24}")
_PHONE = re.compile(r"(?<![\d-])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?![\d-])")
_TOLL_FREE = re.compile(r"^\+18(?:00|33|44|55|66|77|88)")
_ROBOT = re.compile(
    r"^(?:no-?reply|do-?not-?reply|support|help|info|leads?|interests|notifications?|"
    r"updates|alerts?|scam|abuse|privacy|feedback|hello|team|admin|mailer-daemon|postmaster)\b",
    re.I,
)
_MOBILE = ("mobile", "cell")
_ADDRESSED = re.compile(r"^(?:to|cc|bcc)\s{0,2}:", re.I)


def plain(value: str | None) -> str | None:
    """A value without ``[mailto:…]``/``<…>`` tails and ``via <Site>`` suffixes."""
    if not value:
        return None
    return BRACKET_TAIL.sub("", value).strip() or None


def person_name(value: str | None, site: str | None = None) -> str | None:
    """A renter's name, or None for a brand, a robot or a phrase."""
    name = clean_name(_VIA.sub("", plain(value) or ""))
    if not name or len(name.split()) > 5 or _NOT_NAME.search(name):
        return None
    brand = (site or "").split(".")[0]
    if brand and brand in name.casefold().replace(" ", ""):
        return None
    return name


def renter_name(
    mail: LeadMail, labels: Labels, anchor: str | None, site: str | None
) -> tuple[str | None, str | None]:
    """``(first, last)`` from the best source; a longer form of the same name wins."""
    first, last = name_parts(plain(labels.get("first")), plain(labels.get("last")))
    if first and last:
        return first, last
    said = _SELF.search(" ".join(mail.lines[:80]))
    reply_name = mail.reply_to_name if mail.reply_to else ""
    framed = [
        m.group("n") or m.group("l") or m.group("m")
        for text in (mail.subject, *mail.lines[:12])
        if (m := _SUBJECT_NAME.search(text[:300]))
    ]
    about = [m.group("n") for ln in mail.lines[:80] if (m := _ABOUT.match(ln))]
    candidates = [
        first,
        labels.get("name"),
        anchor,
        *framed,
        reply_name,
        mail.from_name,
        said and said.group(1),
        *about,
    ]
    names = [n for c in candidates if (n := person_name(c, site))]
    if not names:
        return None, None
    best = names[0]
    for other in names[1:]:
        if other.casefold().startswith(best.casefold()) and len(other) > len(best):
            best = other
    return split_name(best)


@dataclass(frozen=True)
class Contact:
    """The renter's own email and phone, and a relay that reaches them."""

    email: str | None
    phone: str | None
    reply_to: str | None


def _own(
    addr: str | None, mail: LeadMail, site: str | None, others: frozenset[str] = frozenset()
) -> str | None:
    found = real_email(unquote(addr)) if addr else None
    if not found or found == mail.to_addr or found in others or _ROBOT.match(found):
        return None
    if site and domain_matches(found, (site, registrable(mail.from_addr.rpartition("@")[2]))):
        return None
    return found


def _relay(mail: LeadMail, site: str | None) -> str | None:
    addr = mail.reply_to or ""
    if not addr and mail.from_addr and ("reply" in mail.from_addr or "convo" in mail.from_addr):
        addr = mail.from_addr
    if not addr or _ROBOT.match(addr) or not site:
        return None
    sender = registrable(mail.from_addr.rpartition("@")[2])
    return addr if domain_matches(addr, (site, sender)) else None


def renter_contact(
    mail: LeadMail, lines: Sequence[str], labels: Labels, site: str | None
) -> Contact:
    """The renter's email, phone and relay, never the site's or the landlord's own."""
    email = _own(plain(labels.get("email")), mail, site) or _own(mail.reply_to, mail, site)
    # addresses on a forwarded block's To:/Cc: lines are the operator's, never the renter's
    others = frozenset(
        m.group(0).lower() for ln in lines if _ADDRESSED.match(ln) for m in _EMAIL.finditer(ln)
    )
    if email is None:
        found = (_own(m.group(0), mail, site, others) for ln in lines for m in _EMAIL.finditer(ln))
        email = next((e for e in found if e), None)
    if email is None and not mail.forwarded:  # a forward's HTML holds the operator's headers
        html = unquote(mail.html[:500_000])
        found = (_own(m.group(0), mail, site, others) for m in _EMAIL.finditer(html))
        email = next((e for e in found if e), None)
    labelled = [labels.get(k) for k in (*_MOBILE, "phone")]
    phone = next((p for v in labelled if (p := to_e164(plain(v)))), None)
    if phone is None:
        found = (to_e164(m.group(0)) for ln in lines for m in _PHONE.finditer(ln))
        phone = next((p for p in found if p and not _TOLL_FREE.match(p)), None)
    if phone is None:
        linked = linked_phone(mail.html)
        phone = linked if linked and not _TOLL_FREE.match(linked) else None
    return Contact(email=email, phone=phone, reply_to=_relay(mail, site))
