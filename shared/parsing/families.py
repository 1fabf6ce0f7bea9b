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

SITE_ALIASES: Final[dict[str, str]] = {
    "zlead.co": "zumper.com",
    "abodoapts.com": "abodo.com",
    "move.com": "realtor.com",
    "zillowrentals.com": "zillow.com",
    "facebookmail.com": "facebook.com",
}
"""Sending domains that stand for another brand's site (``site`` is the brand's domain)."""

SITE_OFFICES: Final = (
    "1301 Second Avenue",  # Zillow Group, Seattle (footers 2017-2026)
    "1301 2nd Ave",
    "130 Fifth Avenue",  # StreetEasy and Naked Apartments, New York
    "49 Geary Street",  # Zumper, San Francisco
    "3350 Peachtree Road",  # RentPath, Atlanta
    "950 East Paces Ferry",  # Apartments.com / CoStar, Atlanta
    "3315 Oakley Place",  # Move Inc., Westlake Village (older realtor.com footers)
    "2 Embarcadero Center",  # Apartment List, San Francisco
)
"""Office addresses sites print in footers: never a listing's or a renter's address."""

FREE_MAIL: Final = (
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "ymail.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "comcast.net",
    "protonmail.com",
    "proton.me",
    "example.com",
    "example.org",
    "example.net",
)
"""Personal mail providers: a sender here is a person, not a site (``site`` stays null)."""
