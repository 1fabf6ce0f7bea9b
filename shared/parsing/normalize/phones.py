"""Phones to E.164 with ``phonenumbers``; placeholders and platform numbers rejected."""

from __future__ import annotations

import re

import phonenumbers

_PLATFORM_NUMBERS = frozenset(
    {"+12064707000", "+18008784166", "+18886587368", "+18779227368", "+18669459455"}
)
_PLACEHOLDERS = frozenset({"1234567890", "0123456789", "9876543210", "5555555555", "1231231234"})
_DIGITS = re.compile(r"\D")


def to_e164(value: str | None, region: str = "US") -> str | None:
    """Normalise a phone number to E.164.

    Args:
        value: The phone as written (``(215) 555-0143``, ``215.555.0143``, ``+1 215…``).
        region: The region assumed for numbers without a country code.

    Returns:
        ``+12155550143``, or None when empty, invalid, a placeholder or a platform's number.
    """
    if not value or len(value) > 40:
        return None
    digits = _DIGITS.sub("", value)
    if len(digits) < 7:
        return None
    national = digits[-10:]
    if len(set(national)) <= 2 or national in _PLACEHOLDERS:
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None if e164 in _PLATFORM_NUMBERS else e164
