"""Pages of an owner's leads: filters, four orders, changes since a time, and search by
prefix over all of the owner's leads, each served by a declared index (``indexes.py``); and
counts for tabs and badges from aggregation queries (no lead is read)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from google.cloud import firestore

from shared.errors import NotFoundError
from shared.ids import is_doc_id
from shared.store.search_keys import query_words
from shared.types import JsonObject, Sdk

LEADS = "leads"
# order of each sort: the field and its direction (name ascending, times newest first)
ORDERS = {
    "updated": ("updated_at", "DESCENDING"),
    "lastInquiry": ("last_inquiry_at", "DESCENDING"),
    "created": ("created_at", "DESCENDING"),
    "name": ("sort_name", "ASCENDING"),
}
SEARCH_SCAN = 200
"""Leads one search page reads at most. The index query carries the owner, the word and the
status, source and review filters, so what it reads already matches them; only further
words and the mailbox filter are checked on what was read. A page may come short of its
limit with a ``cursor`` to read on (a one-letter query of a large list does)."""
Page = tuple[list[tuple[str, JsonObject]], str | None]


@dataclass(frozen=True)
class LeadFilter:
    """What a page shows (``None``: not filtered)."""

    statuses: tuple[str, ...]  # any of these
    source: str | None = None
    needs_review: bool | None = None
    mailbox: str | None = None  # leads with an inquiry to this mailbox
    search: str | None = None  # a prefix of a word of the name, email, phone or street
    updated_since: datetime | None = None  # only with the order "updated"
    sort: str = "updated"

    def matches(self, lead: JsonObject) -> bool:
        """Whether a lead found by search passes the other filters."""
        keys = set(lead.get("search_keys") or [])
        return (
            lead.get("status") in self.statuses
            and self.source in (None, lead.get("source"))
            and self.needs_review in (None, bool(lead.get("needs_review")))
            and (self.mailbox is None or self.mailbox in (lead.get("mailboxes") or []))
            and all(w in keys for w in query_words(self.search or ""))
        )


def _eq(query: Sdk, name: str, op: str, value: object) -> Sdk:
    return query.where(filter=firestore.FieldFilter(name, op, value))


def _ordered(db: firestore.Client, owner: str, where: LeadFilter) -> Sdk:
    """The indexed query of a page: owner, status, source and review always; then the
    longest search word or the mailbox (one array-contains a query)."""
    query = _eq(db.collection(LEADS), "owner", "==", owner)
    statuses = list(where.statuses)
    query = (
        _eq(query, "status", "==", statuses[0])
        if len(statuses) == 1
        else _eq(query, "status", "in", statuses)
    )
    for name in ("source", "needs_review"):
        if getattr(where, name) is not None:
            query = _eq(query, name, "==", getattr(where, name))
    words = query_words(where.search or "")
    if words:
        query = _eq(query, "search_keys", "array_contains", words[0])
    elif where.mailbox is not None:
        query = _eq(query, "mailboxes", "array_contains", where.mailbox)
    field, direction = ORDERS[where.sort]
    if where.updated_since is not None:
        query = _eq(query, "updated_at", ">=", where.updated_since)
    return query.order_by(field, direction=direction)


def _after(db: firestore.Client, owner: str, cursor: str | None) -> Sdk:
    if not cursor:
        return None
    snap = db.collection(LEADS).document(cursor).get() if is_doc_id(cursor) else None
    if snap is None or not snap.exists or (snap.to_dict() or {}).get("owner") != owner:
        raise NotFoundError("unknown cursor", details={"fields": {"cursor": "unknown"}})
    return snap


def page(
    db: firestore.Client, owner: str, where: LeadFilter, limit: int, cursor: str | None
) -> Page:
    """One page and the next cursor (a lead id). A search reads on until the page is full
    or ``SEARCH_SCAN`` leads were read, so a page is never empty while matches remain
    within that reach."""
    query = _ordered(db, owner, where)
    after = _after(db, owner, cursor)
    if not where.search:
        query = query.start_after(after) if after is not None else query
        docs = [(d.id, d.to_dict() or {}) for d in query.limit(limit).stream()]
        return docs, docs[-1][0] if len(docs) == limit else None
    found: list[tuple[str, JsonObject]] = []
    last = None
    for snap in _scan(query, after, limit):
        last = snap
        data = snap.to_dict() or {}
        if where.matches(data):
            found.append((snap.id, data))
            if len(found) == limit:
                break
    more = last is not None and (len(found) == limit or _scanned_out(query, last))
    return found, (last.id if more and last is not None else None)


def _scan(query: Sdk, after: Sdk, limit: int) -> Iterator[Sdk]:
    """The query's leads a page's worth at a time (what the index returns mostly matches),
    ``SEARCH_SCAN`` at most."""
    read, step = 0, min(limit, SEARCH_SCAN)
    while read < SEARCH_SCAN:
        batch = (query.start_after(after) if after is not None else query).limit(
            min(step, SEARCH_SCAN - read)
        )
        snaps = list(batch.stream())
        yield from snaps
        read += len(snaps)
        if len(snaps) < step:
            return
        after = snaps[-1]


def _scanned_out(query: Sdk, last: Sdk) -> bool:
    """Whether more leads follow ``last`` (the scan stopped at its reach)."""
    return bool(list(query.start_after(last).limit(1).stream()))
