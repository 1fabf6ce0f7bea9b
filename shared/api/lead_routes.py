"""``/leads`` reads: the list (filters, orders, search, changes since), counts for tabs, one
lead with its ETag, its inquiries page by page, and the CSV export."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import get_args

from msgspec import UNSET

from shared.api.export import export_csv
from shared.api.inputs import LeadFilters, LeadsQuery, PageQuery
from shared.api.lead_outputs import (
    Inquiries,
    Inquiry,
    Lead,
    LeadCounts,
    LeadList,
    LeadSummary,
    MailboxCount,
    SourceCount,
    StatusCount,
)
from shared.api.lead_views import (
    SHOWN_INQUIRIES,
    decode_cursor,
    encode_cursor,
    inquiry,
    summary,
)
from shared.api.routing import Call, Route
from shared.store.lead_queries import LeadFilter
from shared.types import JsonObject
from shared.vocabulary import LISTED_STATUSES, SOURCES, LeadStatus

TAG = "Leads"


def lead_filter(q: LeadFilters, sort: str = "updated") -> LeadFilter:
    """The store's filter for the API's filters (a lead a person marked ``not_a_lead`` is
    listed only when that status is asked for)."""
    return LeadFilter(
        statuses=(q.status,) if q.status else LISTED_STATUSES,
        source=q.source or None,
        needs_review=None if q.review is UNSET else q.review,
        mailbox=q.mailbox.lower() if q.mailbox else None,
        search=q.q or None,
        sort=sort,
    )


def list_leads(call: Call) -> LeadList:
    """The caller's leads in one order (``updated`` by default; also ``lastInquiry``,
    ``created``, ``name``), filtered; ``q`` searches every lead of the caller by a prefix of
    a word of the name, email, phone or street; ``updatedSince`` lists what changed since a
    time, most recently updated first (the order asked for does not apply)."""
    q = call.query_as(LeadsQuery)
    where = lead_filter(q, q.sort)
    if q.updated_since is not UNSET:  # changes come newest first, whatever the order asked
        where = dataclasses.replace(where, sort="updated", updated_since=q.updated_since)
    docs, next_cursor = call.deps.lead_queries.page(call.user, where, q.limit, q.cursor or None)
    return LeadList(leads=[LeadSummary(**summary(i, d)) for i, d in docs], next_cursor=next_cursor)


def lead_counts(call: Call) -> LeadCounts:
    """How many leads the caller has, per status, source, review state and mailbox (for
    tabs and badges); ``total`` is what ``/leads`` lists without filters."""
    listed = ("status", "in", list(LISTED_STATUSES))
    groups: dict[str, list[tuple[str, str, object]]] = {"total": [listed]}
    statuses: tuple[str, ...] = get_args(LeadStatus)
    groups |= {f"status:{s}": [("status", "==", s)] for s in statuses}
    groups |= {f"source:{s}": [listed, ("source", "==", s)] for s in SOURCES}
    groups["review"] = [listed, ("needs_review", "==", True)]
    mailboxes = sorted({a.mailbox for a in call.accounts})
    groups |= {f"mailbox:{m}": [listed, ("mailboxes", "array_contains", m)] for m in mailboxes}
    n = call.deps.lead_queries.counts(call.user, groups)
    return LeadCounts(
        total=n["total"],
        by_status=[StatusCount(status=s, count=n[f"status:{s}"]) for s in statuses],  # type: ignore[arg-type]
        by_source=[SourceCount(source=s, count=n[f"source:{s}"]) for s in SOURCES],  # type: ignore[arg-type]
        needs_review=n["review"],
        by_mailbox=[MailboxCount(mailbox=m, count=n[f"mailbox:{m}"]) for m in mailboxes],
    )


def _inquiries(
    call: Call, lead_id: str, lead: JsonObject, limit: int, after: str | None
) -> tuple[list[Inquiry], str | None]:
    records = call.deps.lead_queries.inquiries(call.user, lead_id, limit + 1, after)
    shown = [r for r in records[:limit] if r.get("message_id")]
    more = len(records) > limit and records[:limit]
    cursor = encode_cursor(records[limit - 1]) if more else None
    return [Inquiry(**inquiry(r, lead)) for r in shown], cursor


def lead_view(call: Call, lead_id: str) -> Lead:
    """One lead as the API shows it, its ``ETag`` set on the answer."""
    data, tag = call.deps.lead_queries.etag(lead_id, call.user)
    call.out["ETag"] = tag
    shown, cursor = _inquiries(call, lead_id, data, SHOWN_INQUIRIES, None)
    return Lead(
        **summary(lead_id, data),
        notes=data.get("notes", ""),
        etag=tag,
        inquiries=shown,
        inquiries_next_cursor=cursor,
    )


def get_lead(call: Call) -> Lead:
    """One lead with its newest inquiries and notes; its ``ETag`` (send it back in
    ``If-Match`` when changing the lead)."""
    return lead_view(call, call.params["leadId"])


def lead_inquiries(call: Call) -> Inquiries:
    """A lead's inquiries, newest first, a page at a time (``cursor`` from the last page)."""
    q = call.query_as(PageQuery)
    lead_id = call.params["leadId"]
    data = call.deps.lead_queries.owned(lead_id, call.user)
    after = decode_cursor(q.cursor) if q.cursor else None
    shown, cursor = _inquiries(call, lead_id, data, q.limit, after)
    return Inquiries(inquiries=shown, next_cursor=cursor)


def export_leads(call: Call) -> Iterator[bytes]:
    """Every lead of the caller matching the filters (as on ``/leads``), as CSV, streamed
    (one header row naming each column as the JSON names it)."""
    q = call.query_as(LeadFilters)
    call.out["Content-Disposition"] = 'attachment; filename="leads.csv"'
    return export_csv(call.deps.lead_queries, call.user, lead_filter(q))


ROUTES = [
    Route(
        "GET", "/leads", list_leads, "Leads, filtered and ordered", LeadList, TAG, query=LeadsQuery
    ),
    Route(
        "GET",
        "/leads/counts",
        lead_counts,
        "How many leads, per status, source, review and mailbox",
        LeadCounts,
        TAG,
    ),
    Route(
        "GET",
        "/leads/export",
        export_leads,
        "Leads as CSV",
        None,
        TAG,
        query=LeadFilters,
        media="text/csv",
    ),
    Route("GET", "/leads/<id:leadId>", get_lead, "One lead with its newest inquiries", Lead, TAG),
    Route(
        "GET",
        "/leads/<id:leadId>/inquiries",
        lead_inquiries,
        "A lead's inquiries, a page at a time",
        Inquiries,
        TAG,
        query=PageQuery,
    ),
]
