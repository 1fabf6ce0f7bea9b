"""What the API accepts: query parameters and request bodies, as models. Validation, the 400
``details.fields`` and the OpenAPI document all come from these."""

from __future__ import annotations

from typing import Annotated, ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from shared.services.api.contract import (
    BatchLimit,
    Flag,
    GmailId,
    Id,
    LeadStatus,
    Limit,
    Mailbox,
    Source,
    Text,
    TrueOnly,
)


class Query(msgspec.Struct, kw_only=True):
    """Query parameters (unknown ones are ignored)."""


class Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A JSON request body; ``min_fields`` given fields at least."""

    min_fields: ClassVar[int] = 0


class MailboxQuery(Query):
    """Routes about one mailbox: which one (default: the caller's only mailbox)."""

    mailbox: Mailbox | UnsetType = UNSET


class LeadsQuery(Query):
    status: LeadStatus | UnsetType = UNSET
    source: Source | UnsetType = UNSET
    review: Flag | UnsetType = UNSET
    q: Text | UnsetType = UNSET
    limit: Limit = 25
    cursor: Id | UnsetType = UNSET
    mailbox: Mailbox | UnsetType = UNSET  # only leads with an inquiry to this mailbox


class MessagesQuery(MailboxQuery, rename="camel"):
    label_id: Text | UnsetType = UNSET
    q: Text | UnsetType = UNSET
    page_token: Text | UnsetType = UNSET
    max_results: Limit = 25


class HistoryQuery(MailboxQuery):
    limit: Limit = 20
    cursor: Id | UnsetType = UNSET


class TokenRequest(Body):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
    redirect_uri: Annotated[
        str, msgspec.Meta(max_length=2048, pattern=r"^(postmessage|https?://.+)$")
    ]


class BatchByIds(Body, rename="camel"):
    message_ids: Annotated[list[GmailId], msgspec.Meta(min_length=1, max_length=1000)]


class BatchByQuery(Body):
    """The newest emails of the mailbox's lead label, ``q`` narrowing within it."""

    q: Text | UnsetType = UNSET
    limit: BatchLimit = 100


class LeadPatch(Body):
    min_fields: ClassVar[int] = 1
    status: LeadStatus | UnsetType = UNSET
    notes: Annotated[str, msgspec.Meta(max_length=10_000)] | UnsetType = UNSET
    reviewed: TrueOnly | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.reviewed is False:
            raise ValueError("reviewed can only be true")


class ReparseLeads(Body, rename="camel"):
    lead_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=100)]


class ReparseAll(Body):
    all: TrueOnly

    def __post_init__(self) -> None:
        if self.all is not True:
            raise ValueError("all can only be true")
