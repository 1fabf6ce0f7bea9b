"""The explicit registry of source parsers, in detection order."""

from __future__ import annotations

from shared.parsing.sources import apartments, realtor, rentmarketplace, zillow
from shared.parsing.sources.base import SourceParser

REGISTRY: tuple[SourceParser, ...] = (
    zillow.PARSER,
    realtor.PARSER,
    apartments.PARSER,
    rentmarketplace.PARSER,
)

__all__ = ["REGISTRY", "SourceParser"]
