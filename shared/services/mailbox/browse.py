"""A page of a mailbox's messages with their headers, inside the mailbox's Gmail quota.

The headers of a page of 100 cost 500 quota units, five seconds of a new project's quota
for one user. They are read a quota block at a time through the shared limiter; when the
quota is not free soon enough, the page ends early and its token resumes where it stopped
(the token carries Gmail's page token and the position within that page).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Protocol

from shared.errors import LeadHarvestError, QuotaBusyError, ValidationError
from shared.gmail.gateway import Gmail
from shared.ports import SharesQuota
from shared.services.ingest.fetch import GET_UNITS, gets_per_block
from shared.tokens import pack, unpack
from shared.types import JsonObject

WAIT_S = 8.0  # how long a page may wait for quota in all
BLOCK_WAIT_S = 2.0  # the longest wait for one block before the page ends early


class Ports(SharesQuota, Protocol):
    """What browsing uses of the composition root."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: Gmail's page token, and how far into that page."""

    gmail_token: str | None = None
    offset: int = 0

    def encode(self) -> str:
        """The opaque token handed to the caller."""
        return pack(json.dumps({"g": self.gmail_token or "", "o": self.offset}))

    @classmethod
    def decode(cls, token: str | None) -> Cursor:
        """Read a token from :meth:`encode` (None: the first page)."""
        if not token:
            return cls()
        try:
            data = json.loads(unpack(token))
            return cls(str(data["g"]) or None, int(data["o"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError("pageToken is not a token this API gave") from exc


Listed = tuple[JsonObject, JsonObject | LeadHarvestError]  # (list entry, its metadata)


def browse(
    deps: Ports,
    mailbox: str,
    gmail: Gmail,
    query: tuple[str | None, str | None],
    token: str | None,
    max_results: int,
) -> tuple[list[Listed], str | None]:
    """Up to ``max_results`` messages of ``query`` (label id, Gmail search) from ``token``
    with their metadata, and the token of the next page (None: the last)."""
    cursor = Cursor.decode(token)
    page = gmail.list_page(query[0], query[1], cursor.gmail_token, max_results)
    listed = list(page.get("messages", []))[cursor.offset :]
    out: list[Listed] = []
    deadline = time.monotonic() + WAIT_S
    per_request = gets_per_block(deps)
    while len(out) < len(listed) and time.monotonic() < deadline:
        part = listed[len(out) : len(out) + per_request]
        try:
            deps.quota.acquire(mailbox, GET_UNITS * len(part), max_wait_s=BLOCK_WAIT_S)
        except QuotaBusyError:
            break
        found = gmail.metadata_many([m["id"] for m in part])
        out += [(m, found.get(m["id"], ValidationError("missing"))) for m in part]
    if len(out) < len(listed):
        return out, Cursor(cursor.gmail_token, cursor.offset + len(out)).encode()
    nxt = page.get("nextPageToken")
    return out, Cursor(str(nxt)).encode() if nxt else None
