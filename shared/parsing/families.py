"""Listing-site families: every sender domain a brand has used, defined once.

Sources are matched by suffix on the sender's domain. A brand sends from several domains
over the years and through its sister sites; a lead from any of them is that family's lead
(LEADS.md "Formats seen in real mail"). ``RELAY_DOMAINS`` are relays that reach a renter
through a platform and are never the renter's own address.
"""

from __future__ import annotations

from typing import Final

FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "zillow": ("zillow.com", "zillowrentals.com", "zillowgroup.com", "trulia.com", "hotpads.com"),
    "realtor": ("realtor.com", "move.com"),
    "apartments": (
        "apartments.com",
        "apartmentfinder.com",
        "forrent.com",
        "apartmenthomeliving.com",
        "westsiderentals.com",
    ),
    "rentmarketplace": (
        "rent.com",
        "rentmarketplace.com",
        "rentpath.com",
        "rentals.com",
        "apartmentguide.com",
    ),
    "apartmentlist": ("apartmentlist.com",),
    "avail": ("avail.co", "avail.com"),
}
RELAY_DOMAINS: Final = ("craigslist.org",)
PLATFORM_DOMAINS: Final = tuple(d for family in FAMILIES.values() for d in family) + RELAY_DOMAINS
"""No address at these domains is ever a renter's ``email``."""
