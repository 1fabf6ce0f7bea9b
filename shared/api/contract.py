"""Names and patterns the API's models share, each defined once (the domain's own enums are
imported from where the domain defines them).

One casing: every JSON name, query parameter and body field is camelCase, because the API's
callers are JavaScript frontends (their objects and generated types read naturally) and
Google's own JSON APIs, which the frontend also calls, use it. Stored records keep the
Python names; the models map them. Enum values are data, not names: they stay as stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, get_args

import msgspec

from shared.ids import DOC_ID_PATTERN
from shared.types import Json
from shared.vocabulary import (
    AccountState,
    BatchState,
    Health,
    HealthReason,
    Intent,
    LeadSort,
    LeadStatus,
    Outcome,
    RetryState,
    ReviewReason,
    Source,
    Trigger,
)

__all__ = [
    "AccountState",
    "BatchState",
    "Health",
    "HealthReason",
    "Intent",
    "LeadSort",
    "LeadStatus",
    "Outcome",
    "RetryState",
    "ReviewReason",
    "Source",
    "Trigger",
]

# Enumerations the document names as components (``{"$ref": …}`` with ``type: string``)
NAMED_ENUMS: dict[str, tuple[str, ...]] = {
    name: tuple(get_args(kind))
    for name, kind in (
        ("AccountState", AccountState),
        ("BatchState", BatchState),
        ("Health", Health),
        ("HealthReason", HealthReason),
        ("Intent", Intent),
        ("LeadSort", LeadSort),
        ("LeadStatus", LeadStatus),
        ("Outcome", Outcome),
        ("RetryState", RetryState),
        ("ReviewReason", ReviewReason),
        ("Source", Source),
        ("Trigger", Trigger),
    )
}

ENUM_TEXT = {
    "AccountState": "A mailbox's connection",
    "BatchState": "What a batch is doing (waiting_retry: every email left waits for a retry)",
    "Health": "What the frontend shows of a mailbox's sync",
    "HealthReason": "Why a mailbox is broken or degraded",
    "Intent": "What a renter asks for",
    "LeadSort": "An order of leads",
    "LeadStatus": "A lead's place in the CRM (not_a_lead: a person said so)",
    "Outcome": "What became of a processed email",
    "RetryState": "An email's place in the retry list",
    "ReviewReason": "Why a lead needs a person's review",
    "Source": "The listing site a lead came through (other: a site without a parser)",
    "Trigger": "What queued a batch",
}
ID_PATTERN = DOC_ID_PATTERN  # a Firestore-safe document id (path and body)
GMAIL_ID_PATTERN = r"[A-Za-z0-9]{1,32}"

Id = Annotated[str, msgspec.Meta(pattern=f"^{ID_PATTERN}$")]
GmailId = Annotated[str, msgspec.Meta(pattern=f"^{GMAIL_ID_PATTERN}$")]
Text = Annotated[str, msgspec.Meta(max_length=500)]
# ASCII classes only: the same in Python's and the document's (ECMA) regex engines
Mailbox = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}$")]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]
BatchLimit = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Moment = Annotated[datetime, msgspec.Meta(tz=True)]  # RFC 3339: with its offset
Time = Moment | None


def encode_hook(value: Json) -> Json:
    """Types msgspec does not encode itself: Firestore's datetime subclass."""
    if isinstance(value, datetime):
        return datetime.fromtimestamp(value.timestamp(), value.tzinfo or UTC)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")
