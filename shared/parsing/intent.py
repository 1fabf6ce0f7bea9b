"""What the renter asks for (``intent``) and the tour times they propose."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.parsing.normalize.dates import parse_date
from shared.parsing.record import Intent

_TOUR = re.compile(
    r"\b(?:tour|showing|viewing|view (?:it|the (?:apartment|unit|place|home)|this apartment)|"
    r"see (?:it|the (?:apartment|unit|place|home))|schedule a (?:visit|time)|access this apt|"
    r"walk ?through|come by)\b",
    re.I,
)
_APPLY = re.compile(r"\b(?:application|apply|applied|applying)\b", re.I)
_QUESTION = re.compile(
    r"\?|\b(?:interested|available|availability|more information|information about|"
    r"requesting information|details|inquir(?:y|e|ing))\b",
    re.I,
)
_TOUR_BLOCK = re.compile(
    r"\b(?:requested a tour|available to tour|tour request|showing request)", re.I
)
_PART = {"morning": time(9), "afternoon": time(13), "evening": time(17), "noon": time(12)}
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?\b", re.I)
_DAY = re.compile(
    r"\b((?i:today|tomorrow)|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2})\b"
)
_MAX_TIMES = 6


def intent_of(subject: str, message: str | None) -> Intent:
    """``tour_request``, ``application``, ``question`` or ``message`` (most specific first)."""
    text = f"{subject}\n{message or ''}"
    if _TOUR.search(text):
        return "tour_request"
    if _APPLY.search(text):
        return "application"
    if _QUESTION.search(text):
        return "question"
    return "message"


def _when(line: str, sent: datetime, zone: ZoneInfo) -> datetime | None:
    local = sent.astimezone(zone)
    day_match = _DAY.search(line)
    if day_match is None:
        return None
    word = day_match.group(1).lower()
    if word in ("today", "tomorrow"):
        day = local.date() + timedelta(days=1 if word == "tomorrow" else 0)
    else:
        found = parse_date(day_match.group(1), local.date())
        if found is None:
            return None
        day = found
    clock = _CLOCK.search(line)
    if clock:
        hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "p" else 0)
        at = time(hour, int(clock.group(2) or 0))
    else:
        part = next((p for p in _PART if p in line.lower()), None)
        if part is None:
            return None
        at = _PART[part]
    return datetime.combine(day, at, tzinfo=zone)


def tour_times(lines: Sequence[str], sent: datetime | None, tz: str) -> list[str]:
    """The times a tour request proposes, as ISO-8601 in the mailbox's zone.

    Args:
        lines: The content lines; only those after a tour-request line are read.
        sent: The email's date (``Tomorrow`` and year-less dates count from it).
        tz: The mailbox's time zone.

    Returns:
        Up to six times; a day with a part (``morning``) takes its first hour.
    """
    start = next((i for i, ln in enumerate(lines) if _TOUR_BLOCK.search(ln)), -1)
    if start < 0 or sent is None:
        return []
    zone = ZoneInfo(tz)
    out: list[str] = []
    block = list(lines[start : start + 24])
    for i, line in enumerate(block):
        joined = (
            f"{line} {block[i + 1]}"
            if i + 1 < len(block) and not _DAY.search(block[i + 1])
            else line
        )
        found = _when(joined, sent, zone)
        if found is not None and found.isoformat() not in out:
            out.append(found.isoformat())
        if len(out) >= _MAX_TIMES:
            break
    return out
