"""The explicit registry of source parsers, in detection order, and the fallback."""

from __future__ import annotations

from shared.parsing.sources import (
    apartmentlist,
    apartments,
    avail,
    other,
    realtor,
    rentmarketplace,
    zillow,
)
from shared.parsing.sources.base import SourceParser

REGISTRY: tuple[SourceParser, ...] = (
    zillow.PARSER,
    realtor.PARSER,
    apartments.PARSER,
    rentmarketplace.PARSER,
    apartmentlist.PARSER,
    avail.PARSER,
)
OTHER: SourceParser = other.PARSER
"""A renter's inquiry from a site or person no parser in ``REGISTRY`` knows."""

__all__ = ["OTHER", "REGISTRY", "SourceParser"]
