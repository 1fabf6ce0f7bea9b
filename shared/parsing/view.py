"""What a source parser reads: the (possibly unwrapped) original email."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

PLATFORM_DOMAINS = (
    "zillow.com",
    "realtor.com",
    "apartments.com",
    "rent.com",
    "rentmarketplace.com",
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def domain_matches(addr: str, domains: tuple[str, ...]) -> bool:
    """True if the address's domain is one of ``domains`` or a subdomain of one."""
    host = addr.rpartition("@")[2].lower().rstrip(".")
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def real_email(value: str | None) -> str | None:
    """The renter's own address from a value, or None for relays and platform addresses."""
    if not value:
        return None
    m = _EMAIL.search(value)
    if not m:
        return None
    addr = m.group(0).lower()
    return None if domain_matches(addr, PLATFORM_DOMAINS) else addr


@dataclass(frozen=True)
class LeadMail:
    """The original email's sender, subject, time and body text."""

    from_name: str
    from_addr: str
    reply_to: str | None
    subject: str
    sent_at: datetime | None
    body: str
    html: str
    forwarded: bool
    lines: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", [ln.strip() for ln in self.body.split("\n")])

    @property
    def ref_date(self) -> date | None:
        """The email's own calendar date, for year-less dates."""
        return self.sent_at.date() if self.sent_at else None
