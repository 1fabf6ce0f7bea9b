"""Dates as renters and platforms write them, to :class:`datetime.date`."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.parsing.limits import EARLIEST_YEAR, LATEST_YEAR

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_US_NO_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I)
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?(?:,?\s+(\d{4}))?\b", re.I)
_FWD_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?")
_FWD_TIME24 = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b")


def _safe(y: int, m: int, d: int) -> date | None:
    """The date, or None where it does not exist or lies outside the years read."""
    if not EARLIEST_YEAR <= y <= LATEST_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _next_on_or_after(month: int, day: int, ref: date) -> date | None:
    for year in (ref.year, ref.year + 1, ref.year + 2, ref.year + 3, ref.year + 4):
        found = _safe(year, month, day)
        if found is not None and found >= ref:
            return found
    return None


def parse_date(value: str | None, ref: date | None = None) -> date | None:
    """Parse a date; a date without a year is its next occurrence on or after ``ref``.

    Args:
        value: ``2026-03-12``, ``03/12/2026``, ``Mar 12, 2026``, ``November 15th``, ...
        ref: The email's date, for year-less dates.

    Returns:
        The date, or None for unanswered (``Not answered``, ``Flexible``, ``ASAP``, ``NA``)
        or unreadable values.
    """
    if not value:
        return None
    text = value.strip()
    if m := _ISO.search(text):
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _US.search(text):
        year = int(m.group(3))
        return _safe(year + 2000 if year < 100 else year, int(m.group(1)), int(m.group(2)))
    if (m := _US_NO_YEAR.match(text)) and ref:
        return _next_on_or_after(int(m.group(1)), int(m.group(2)), ref)
    for pattern, month_group, day_group in ((_MDY, 1, 2), (_DMY, 2, 1)):
        for m in pattern.finditer(text):
            month = MONTHS.get(m.group(month_group).lower().rstrip("."))
            if month is None:
                continue
            day = int(m.group(day_group))
            if m.group(3):
                return _safe(int(m.group(3)), month, day)
            return _next_on_or_after(month, day, ref) if ref else None
    return None


def parse_forward_date(value: str, tz: str) -> datetime | None:
    """Read a forwarded block's date (no offset) as local time in ``tz``.

    Args:
        value: ``Sat, Feb 21, 2026 at 2:13 PM`` (Gmail) or
            ``Saturday, February 21, 2026 2:13 PM`` (Outlook).
        tz: IANA zone of the mailbox, e.g. ``America/New_York``.

    Returns:
        An aware datetime, or None if the date cannot be read.
    """
    day = parse_date(value)
    if day is None:
        return None
    hour = minute = second = 0
    if m := _FWD_TIME.search(value):
        hour, minute = int(m.group(1)) % 12, int(m.group(2))
        second = int(m.group(3) or 0)
        hour += 12 if m.group(4).lower() == "p" else 0
    elif m := _FWD_TIME24.search(value):
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=ZoneInfo(tz))
    except ValueError:
        return None
