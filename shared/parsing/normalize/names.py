"""Renter names: cleaned, platform names and digits rejected, split into first/last."""

from __future__ import annotations

import re

from shared.parsing.text import NO_ANSWER

_PLATFORM = re.compile(
    r"zillow|realtor|apartments\.com|rentmarketplace|rent\.com|^rent\.?$|no-?reply|"
    r"rental manager|customer|support",
    re.I,
)
_BAD = re.compile(r"[\d@<>:/\\|{}\[\]=_]")


def clean_name(value: str | None) -> str | None:
    """Return the name as written with spacing tidied, or None if it is not a person's name.

    Args:
        value: A candidate name, e.g. a display name or a ``Name:`` value.

    Returns:
        The cleaned name, or None for empty, platform or digit-bearing values.
    """
    if not value:
        return None
    name = " ".join(value.replace("\u00a0", " ").split()).strip(" \"'.,;")
    if name.lower() in NO_ANSWER or _BAD.search(name) or _PLATFORM.search(name):
        return None
    return name or None


def split_name(full: str | None) -> tuple[str | None, str | None]:
    """Split a full name: the last token is the last name, the rest the first name.

    Args:
        full: The full name, possibly a single given name.

    Returns:
        ``(first, last)``; ``last`` is None for a one-word name; both None if invalid.
    """
    name = clean_name(full)
    if name is None:
        return None, None
    tokens = name.split(" ")
    if len(tokens) == 1:
        return tokens[0], None
    return " ".join(tokens[:-1]), tokens[-1]


def name_parts(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """Clean separately given first and last names (``First Name:``/``Last Name:``)."""
    return clean_name(first), clean_name(last)
