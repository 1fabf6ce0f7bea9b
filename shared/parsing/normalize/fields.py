"""Pets, counts and lease length."""

from __future__ import annotations

import re

from shared.parsing.record import Pets
from shared.parsing.text import NO_ANSWER

UNANSWERED = NO_ANSWER | {"flexible", "asap", "tbd", "not sure"}  # also for dates and pets
_NO = re.compile(r"^(?:no\b|none\b|0\b|zero\b|no pets)", re.I)
_YES = re.compile(r"^(?:yes\b|y\b|\d+\s*\w*|(?:a|one|two|three)\s+\w+|dogs?\b|cats?\b)", re.I)
_HAS_NO = re.compile(r"\b(?:has no|no) pets?\b", re.I)
_HAS = re.compile(r"\bhas (?:an? |\d+ )?(?:dogs?|cats?|pets?)\b", re.I)
# "Other, a pet", "Large dog", "Bird": an animal named anywhere in the answer.
_ANIMAL = re.compile(
    r"\b(?:a pet|pets?|dogs?|cats?|birds?|fish|rabbits?|reptiles?|hamsters?|puppy|kitten)\b", re.I
)
_INT = re.compile(r"\b(\d{1,3})\b")
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_LEASE = re.compile(r"(\d{1,2}|one|two|three)\s*-?\s*(years?|yrs?|months?|mos?)\b", re.I)


def is_unanswered(value: str | None) -> bool:
    """True for empty values and the platforms' words for 'not given'."""
    return value is None or value.strip().lower().rstrip(".") in UNANSWERED


def pets(value: str | None) -> Pets:
    """``Yes``, ``Yes - 1 dog``, ``1 cat`` → yes; ``No``, ``None``, ``0`` → no; else unknown."""
    if value is None:
        return "unknown"
    text = value.strip()
    if not text or text.lower() in ("not answered", "not provided", "na", "n/a", "unknown"):
        return "unknown"
    if _NO.match(text) or _HAS_NO.search(text):
        return "no"
    if _YES.match(text) or _HAS.search(text) or _ANIMAL.search(text):
        return "yes"
    return "unknown"


def count(value: str | None, studio_is_zero: bool = False) -> int | None:
    """A whole count (occupants, bedrooms); ``Studio`` is 0 bedrooms; absent → None."""
    if is_unanswered(value):
        return None
    text = (value or "").strip().lower()
    if studio_is_zero and "studio" in text:
        return 0
    if m := _INT.search(text):
        return int(m.group(1))
    first = text.split(" ")[0] if text else ""
    return _WORDS.get(first)


def lease_months(value: str | None) -> int | None:
    """``12 months`` → 12, ``1 year`` → 12; absent or unreadable → None."""
    if is_unanswered(value):
        return None
    m = _LEASE.search(value or "")
    if not m:
        return count(value)
    raw = m.group(1).lower()
    n = int(raw) if raw.isdigit() else _WORDS[raw]
    return n * 12 if m.group(2).lower().startswith("y") else n
