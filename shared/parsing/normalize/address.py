"""Listing addresses: ``street [unit], City, ST[,] ZIP`` into their parts."""

from __future__ import annotations

import re

from shared.parsing.record import Property

_UNIT_MARK = r"(?:#|(?:unit|apt|apartment|ste|suite|no)\b\.?\s*#?)"
_UNIT_TAIL = re.compile(rf"[\s,]+{_UNIT_MARK}\s*([A-Za-z0-9][\w-]*)\s*$", re.I)
_UNIT_ONLY = re.compile(rf"^{_UNIT_MARK}\s*([A-Za-z0-9][\w-]*)$", re.I)
_STATE_ZIP = re.compile(r"^([A-Za-z]{2})\.?(?:\s+(\d{5}(?:-\d{4})?))?$")
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
    return Property(street=street or None, unit=unit, city=city, state=state, zip=zip_code)
