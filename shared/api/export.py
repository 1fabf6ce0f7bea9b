"""Leads as CSV, streamed page by page: the columns are the list's JSON names (a property's
fields flattened as ``property.street``), so a row reads like the listing's object.

A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first, unless
it is a plain number such as a phone) is prefixed with ``'``: renters write these values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import msgspec

from shared.api.contract import encode_hook
from shared.api.lead_outputs import LeadSummary, Property
from shared.api.lead_views import summary
from shared.store.lead_queries import LeadFilter, LeadQueries
from shared.types import JsonObject

PAGE = 200
_NUMBER = re.compile(r"[+-]?[\d\s().-]+")
_to_builtins = msgspec.to_builtins


def columns() -> list[str]:
    """The header row: each column as the JSON listing names it."""
    head = [n for n in _json_names(LeadSummary) if n != "property"]
    return head + [f"property.{n}" for n in _json_names(Property)]


def _json_names(kind: type[msgspec.Struct]) -> list[str]:
    return [f.encode_name for f in msgspec.structs.fields(kind)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def row(lead: LeadSummary) -> list[str]:
    """One lead's cells, in :func:`columns` order."""
    data = _to_builtins(lead, enc_hook=encode_hook)
    prop = data.pop("property", None) or {}
    cells = [_cell(data[n]) for n in columns() if not n.startswith("property.")]
    return cells + [_cell(prop.get(n)) for n in _json_names(Property)]


def export_csv(queries: LeadQueries, owner: str, where: LeadFilter) -> Iterator[bytes]:
    """The CSV of every lead of ``owner`` matching ``where``, a page of rows per chunk; the
    first page is read before the answer starts, so a failure there is an error status."""
    first = queries.page(owner, where, PAGE, None)
    return _stream(queries, owner, where, *first)


def _stream(
    queries: LeadQueries,
    owner: str,
    where: LeadFilter,
    docs: list[tuple[str, JsonObject]],
    cursor: str | None,
) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns())
    while True:
        for lead_id, data in docs:
            writer.writerow(row(LeadSummary(**summary(lead_id, data))))
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
        if cursor is None:
            return
        docs, cursor = queries.page(owner, where, PAGE, cursor)
