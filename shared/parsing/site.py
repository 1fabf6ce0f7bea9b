"""``site``: the brand that sent or relayed an inquiry, as its registrable domain."""

from __future__ import annotations

from shared.parsing.families import FAMILIES, FREE_MAIL, SITE_ALIASES

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu"})


def registrable(host: str) -> str:
    """The registrable part of a host name: ``convo.zillow.com`` → ``zillow.com``.

    Args:
        host: A domain (lower case or not); a trailing dot is ignored.

    Returns:
        The last two labels, or three under a country code's second level (``co.uk``).
    """
    labels = [p for p in host.lower().strip(".").split(".") if p]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _family_domain(host: str) -> str | None:
    for domains in FAMILIES.values():
        for domain in domains:
            if host == domain or host.endswith("." + domain):
                return domain
    return None


def site_of(address: str) -> str | None:
    """The site behind a sender address, or None when a person wrote from their own mail.

    Args:
        address: The sender's address (for a forward, the original sender's).

    Returns:
        ``zillow.com`` for ``abc@convo.zillow.com``, ``zumper.com`` for ``…@zlead.co``;
        None for ``someone@gmail.com``.
    """
    host = address.rpartition("@")[2].lower().strip(".")
    if not host or "." not in host:
        return None
    base = registrable(host)
    if base in FREE_MAIL:
        return None
    found = _family_domain(host) or base
    return SITE_ALIASES.get(found, found)
