"""A lead's review state, bounded whatever its number of inquiries: how many of its inquiries
are open for review (``review_open_count``) and the newest ``SHOWN`` of them with their
reasons (``review_open``: key -> ``{"r": reasons, "t": micros}``); the full list is the
records'. An inquiry is open when its record needs review and it was processed after the
last time a person cleared the lead (``reviewed_at``); a re-parse keeps what a person
cleared. ``reviewed: false`` puts back what the last clearing took (``reviewed_count``,
``reviewed_open``, ``reviewed_before``).
"""

from __future__ import annotations

from datetime import datetime

from shared.clock import micros
from shared.types import JsonObject

SHOWN = 20  # open inquiries kept on the lead, newest first (about 1.5 KB)


def _entries(value: object) -> dict[str, JsonObject]:
    """The open map (an early layout kept a plain list of reasons per key)."""
    if not isinstance(value, dict):
        return {}
    return {
        str(k): v if isinstance(v, dict) else {"r": list(v or []), "t": 0} for k, v in value.items()
    }


def _newest(entries: dict[str, JsonObject]) -> dict[str, JsonObject]:
    ranked = sorted(entries.items(), key=lambda kv: int(kv[1].get("t") or 0), reverse=True)
    return dict(ranked[:SHOWN])


def cleared(lead: JsonObject, processed_at: datetime | None) -> bool:
    """Whether a person cleared the reviews of an inquiry processed at ``processed_at``."""
    at = lead.get("reviewed_at")
    return at is not None and processed_at is not None and processed_at <= at


def state(entries: dict[str, JsonObject], count: int) -> JsonObject:
    """The review fields a lead carries for ``count`` open inquiries, ``entries`` the newest."""
    shown = _newest(entries)
    reasons = sorted({str(r) for e in shown.values() for r in e.get("r") or []})
    count = max(count, len(shown))
    return {
        "review_open": shown,
        "review_open_count": count,
        "needs_review": count > 0,
        "review_reasons": reasons if count else [],
    }


def counted(lead: JsonObject) -> int:
    """How many inquiries of the lead are open (an early layout had only the map)."""
    value = lead.get("review_open_count")
    return int(value) if isinstance(value, int) else len(_entries(lead.get("review_open")))


def after_inquiry(
    lead: JsonObject, key: str, reasons: list[str] | None, at: datetime, *, was_open: bool
) -> JsonObject:
    """The review fields after one inquiry is stored or re-parsed (``reasons`` None: it does
    not need review; ``was_open``: it was counted open before)."""
    entries = _entries(lead.get("review_open"))
    count = counted(lead) - int(was_open)
    entries.pop(key, None)
    if reasons is not None:
        entries[key] = {"r": list(reasons), "t": micros(at)}
        count += 1
    return state(entries, max(count, 0))


def cleared_now(lead: JsonObject, now: datetime) -> JsonObject:
    """A person cleared the lead's reviews: what they cleared is kept for an undo."""
    return {
        **state({}, 0),
        "reviewed_at": now,
        "reviewed_before": lead.get("reviewed_at"),
        "reviewed_count": counted(lead),
        "reviewed_open": _newest(_entries(lead.get("review_open"))),
    }


def reopened(lead: JsonObject) -> JsonObject:
    """The last clearing undone: its inquiries open again, beside any opened since."""
    entries = {**_entries(lead.get("reviewed_open")), **_entries(lead.get("review_open"))}
    count = counted(lead) + int(lead.get("reviewed_count") or 0)
    return {
        **state(entries, count),
        "reviewed_at": lead.get("reviewed_before"),
        "reviewed_before": None,
        "reviewed_count": 0,
        "reviewed_open": {},
    }
