"""Listing addresses: ``street [unit], City, ST[,] ZIP`` into their parts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shared.parsing.record import Property

_UNIT_MARK = r"(?:#|(?:unit|apt|apartment|ste|suite|no)\b\.?\s*#?)"
_UNIT_TAIL = re.compile(rf"[\s,]+{_UNIT_MARK}\s*([A-Za-z0-9][\w-]*)\s*$", re.I)
_UNIT_ONLY = re.compile(rf"^{_UNIT_MARK}\s*([A-Za-z0-9][\w-]*)$", re.I)
_STATE_ZIP = re.compile(r"^([A-Za-z]{2})\.?(?: {0,3}(\d{5}(?:-\d{4})?))?$")
_CITY_LINE = re.compile(
    r"^[A-Za-z][A-Za-z .'-]{1,40}, {0,3}[A-Za-z]{2}\.?(?: {0,3}\d{5}(?:-\d{4})?)?$"
)
STREET_SUFFIXES = (
    "St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Ter|"
    "Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Sq|Square|Trl|Trail|Pike|Row"
)
"""Street-type words as a regular-expression alternation (the one list)."""
_SUFFIX = re.compile(
    rf"^(.{{3,80}}?\b(?:{STREET_SUFFIXES})\.?)"
    r" ([A-Z][A-Za-z.'-]{1,30}(?: [A-Z][A-Za-z.'-]{1,30}){0,2})$"
)
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")


def split_unit(street: str) -> tuple[str, str | None]:
    """Split ``3551 N Front St Unit 3`` into ``("3551 N Front St", "3")``."""
    match = _UNIT_TAIL.search(street)
    if not match or match.start() == 0:
        return street.strip(" ,"), None
    return street[: match.start()].strip(" ,"), match.group(1)


def parse_address(value: str | None) -> Property:
    """Parse one address line into a :class:`Property` (absent parts are None).

    Args:
        value: e.g. ``3551 N Front St Unit 3, Upper Darby, PA 19082`` or just a street.

    Returns:
        The street without its unit, the unit without its marker, city, state and zip.
    """
    if not value:
        return Property()
    text = " ".join(value.replace("\u00a0", " ").split()).strip(" .,")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return Property()
    state = zip_code = city = None
    if len(parts) > 1 and _ZIP.match(parts[-1]):
        zip_code = parts.pop()
    if len(parts) > 1:
        match = _STATE_ZIP.match(parts[-1])
        if match and (match.group(2) or zip_code or len(parts) > 2):
            state = match.group(1).upper()
            zip_code = match.group(2) or zip_code
            parts.pop()
    street, unit = split_unit(parts[0])
    rest = parts[1:]
    if rest and _UNIT_ONLY.match(rest[0]):
        unit = unit or _UNIT_ONLY.match(rest[0]).group(1)  # type: ignore[union-attr]
        rest = rest[1:]
    if rest:
        city = rest[-1]
    elif state and (glued := _SUFFIX.match(street)):
        street, city = glued.group(1), glued.group(2)
    return Property(street=street or None, unit=unit, city=city, state=state, zip=zip_code)


def parse_street_lines(street: str, following: Sequence[str]) -> Property:
    """An address whose ``City, ST zip`` may stand on the line after the street.

    Args:
        street: The street line (or a whole one-line address).
        following: The lines after it (the first non-empty one is looked at).

    Returns:
        The parsed listing address.
    """
    prop = parse_address(street)
    if prop.city or prop.state:
        return prop
    nxt = next((ln for ln in following if ln), "")
    if _CITY_LINE.match(nxt):
        return parse_address(f"{street}, {nxt}")
    return prop
