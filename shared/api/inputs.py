"""What the API accepts: query parameters and request bodies, as models. Validation, the 400
``details.fields`` and the OpenAPI document all come from these (names in camelCase)."""

from __future__ import annotations

from typing import Annotated, ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from shared.api.contract import (
    BatchLimit,
    GmailId,
    Id,
    LeadSort,
    LeadStatus,
    Limit,
    Mailbox,
    Moment,
    Source,
    Text,
)

MAX_BULK = 100  # leads in one bulk update
Cursor = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,1500}$")]  # opaque to callers
Notes = Annotated[str, msgspec.Meta(max_length=10_000)]
# ``true`` is the only value: a boolean constrained in the document, checked on decode
TrueOnly = Annotated[bool, msgspec.Meta(extra_json_schema={"const": True})]


class Query(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    """Query parameters (an unknown one is refused, like an unknown body field)."""


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, rename="camel"):
    """A JSON request body; ``min_fields`` given fields at least."""

    min_fields: ClassVar[int] = 0


class MailboxQuery(Query):
    """Routes about one mailbox: which one (default: the caller's only mailbox)."""

    mailbox: Mailbox | UnsetType = UNSET


class LeadFilters(Query):
    """Which of the caller's leads (``q``: a prefix of a word of the name, email, phone or
    street; ``mailbox``: leads with an inquiry to it)."""

    status: LeadStatus | UnsetType = UNSET
    source: Source | UnsetType = UNSET
    review: bool | UnsetType = UNSET
    q: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | UnsetType = UNSET
    mailbox: Mailbox | UnsetType = UNSET


class LeadsQuery(LeadFilters):
    """A page of leads: filters, order, and ``updatedSince`` (only leads changed since then,
    most recently updated first) to refresh a list without reloading it."""

    sort: LeadSort = "updated"
    updated_since: Moment | UnsetType = UNSET
    limit: Limit = 25
    cursor: Id | UnsetType = UNSET


class PageQuery(Query):
    """A page: its size and the cursor of the previous page."""

    limit: Limit = 25
    cursor: Cursor | UnsetType = UNSET


class MessagesQuery(MailboxQuery):
    """A page of the mailbox's messages (Gmail's own label, query and page token)."""

    label_id: Text | UnsetType = UNSET
    q: Text | UnsetType = UNSET
    page_token: Text | UnsetType = UNSET
    max_results: Limit = 25


class HistoryQuery(MailboxQuery):
    """Batches newest first; ``active``: only those not yet completed."""

    limit: Limit = 20
    cursor: Id | UnsetType = UNSET
    active: bool = False


class UnrecognisedQuery(MailboxQuery):
    """Emails no outcome was named for, newest processed first; ``cursor``: the last Gmail
    id of the previous page."""

    limit: Limit = 25
    cursor: GmailId | UnsetType = UNSET


class TokenRequest(Body):
    """An authorization code from Google's popup or code client."""

    code: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    redirect_uri: Annotated[
        str, msgspec.Meta(max_length=2048, pattern=r"^(postmessage|https?://.+)$")
    ]


class BatchByIds(Body):
    """Chosen emails of the lead label, by Gmail id."""

    message_ids: Annotated[list[GmailId], msgspec.Meta(min_length=1, max_length=1000)]


class BatchByQuery(Body):
    """The newest emails of the mailbox's lead label, ``q`` narrowing within it."""

    q: Text | UnsetType = UNSET
    limit: BatchLimit = 100


class LeadPatch(Body):
    """``reviewed: true`` clears the lead's open reviews; ``false`` opens them again."""

    min_fields: ClassVar[int] = 1
    status: LeadStatus | UnsetType = UNSET
    notes: Notes | UnsetType = UNSET
    reviewed: bool | UnsetType = UNSET


Tag = Annotated[str, msgspec.Meta(max_length=100, description="an ETag as the API gave it")]


class BulkLeadPatch(Body):
    """The same change to up to ``MAX_BULK`` of the caller's leads."""

    min_fields: ClassVar[int] = 2
    lead_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=MAX_BULK)]
    status: LeadStatus | UnsetType = UNSET
    reviewed: bool | UnsetType = UNSET
    # lead id -> the ETag it was read with: a lead changed since is left alone (412 apart)
    if_match: (
        Annotated[
            dict[Id, Annotated[str, msgspec.Meta(max_length=100)]],
            msgspec.Meta(max_length=MAX_BULK),
        ]
        | UnsetType
    ) = UNSET


class ReparseLeads(Body):
    """Re-parse the emails of these leads."""

    lead_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=100)]


class ReparseAll(Body):
    """Re-parse every processed email of the mailbox."""

    all: TrueOnly

    def __post_init__(self) -> None:
        if self.all is not True:
            raise ValueError("all can only be true")
