"""What a source parser reads: the (possibly unwrapped) original email."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.parsing.families import PLATFORM_DOMAINS
from shared.parsing.record import Attachment
from shared.parsing.text import body_lines, quoted_reply_at

_EMAIL = re.compile(
    r"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}"
)


def domain_matches(addr: str, domains: tuple[str, ...]) -> bool:
    """True if the address's domain is one of ``domains`` or a subdomain of one."""
    host = addr.rpartition("@")[2].lower().rstrip(".")
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def real_email(value: str | None) -> str | None:
    """The renter's own address from a value, or None for relays and platform addresses."""
    if not value:
        return None
    m = _EMAIL.search(value[:1000])
    if not m:
        return None
    addr = m.group(0).lower()
    return None if domain_matches(addr, PLATFORM_DOMAINS) else addr


@dataclass(frozen=True)
class LeadMail:
    """The original email's sender, subject, time and body text.

    ``lines`` are the body's bounded lines up to a quoted earlier message (the landlord's
    own reply below a renter's new words is never read as the renter's).
    """

    from_name: str
    from_addr: str
    reply_to: str | None
    subject: str
    sent_at: datetime | None
    body: str
    html: str
    forwarded: bool
    to_addr: str = ""
    reply_to_name: str = ""
    limits_hit: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    lines: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lines, cut = body_lines(self.body)
        object.__setattr__(self, "lines", lines[: quoted_reply_at(lines)])
        if cut:
            object.__setattr__(self, "limits_hit", (*self.limits_hit, "lines"))

    @property
    def ref_date(self) -> date | None:
        """The email's own calendar date, for year-less dates."""
        return self.sent_at.date() if self.sent_at else None
