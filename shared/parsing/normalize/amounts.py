"""Credit score ranges and income with the period the text states."""

from __future__ import annotations

import html
import re

from shared.parsing.record import CreditScore, Income, Period

_SCORE = re.compile(r"\b(\d{3})\b")
_OPEN = re.compile(r"\b(\d{3})\s*(?:\+|or (?:more|higher|above)|and (?:up|above))", re.I)
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([kK])?\b")
_ANNUAL = re.compile(
    r"/\s*(?:yr|year|annum)|per\s+(?:year|annum)|annual|yearly|a\s+year|\bp\.?a\.?\b", re.I
)
_MONTHLY = re.compile(r"/\s*(?:mo|month)\b|per\s+month|monthly|a\s+month", re.I)


def credit_range(value: str | None) -> CreditScore | None:
    """``620 to 659`` → (620, 659); ``700`` → (700, 700); ``720+`` → (720, None)."""
    if not value:
        return None
    if m := _OPEN.search(value):
        return CreditScore(int(m.group(1)), None)
    scores = [int(s) for s in _SCORE.findall(value) if 300 <= int(s) <= 900]
    if not scores:
        return None
    return CreditScore(min(scores[:2]), max(scores[:2]))


def income(value: str | None) -> Income | None:
    """Income amount and period; the period comes from the words only, never the size.

    Args:
        value: e.g. ``$97,599/yr``, ``$6,057 per month``, ``&#x24;82921``.

    Returns:
        The income, or None when not answered.
    """
    if not value:
        return None
    text = html.unescape(value)
    m = _AMOUNT.search(text)
    if not m:
        return None
    amount = float(m.group(1).replace(",", ""))
    if m.group(2):
        amount *= 1000
    if amount < 100:  # "2.5x the monthly rent" is a ratio, not an income
        return None
    period: Period = "unknown"
    if _ANNUAL.search(text):
        period = "annual"
    elif _MONTHLY.search(text):
        period = "monthly"
    return Income(amount=amount, period=period)
