"""Names and patterns the API's models share, each defined once (the domain's own enums are
imported from where the domain defines them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec

from shared.ids import DOC_ID_PATTERN
from shared.types import Json
from shared.vocabulary import AccountState, Health, HealthReason, LeadStatus, ReviewReason, Source

__all__ = ["AccountState", "Health", "HealthReason", "LeadStatus", "ReviewReason", "Source"]

ID_PATTERN = DOC_ID_PATTERN  # a Firestore-safe document id (path and body)
GMAIL_ID_PATTERN = r"[A-Za-z0-9]{1,32}"

Id = Annotated[str, msgspec.Meta(pattern=f"^{ID_PATTERN}$")]
GmailId = Annotated[str, msgspec.Meta(pattern=f"^{GMAIL_ID_PATTERN}$")]
Text = Annotated[str, msgspec.Meta(max_length=500)]
# ASCII classes only: the same in Python's and the document's (ECMA) regex engines
Mailbox = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}$")]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]
BatchLimit = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Flag = Literal["true", "false"]
Time = datetime | None
# ``true`` is the only value: a bool constrained in the document, checked on decode
TrueOnly = Annotated[bool, msgspec.Meta(extra_json_schema={"const": True})]


def encode_hook(value: Json) -> Json:
    """Types msgspec does not encode itself: Firestore's datetime subclass."""
    if isinstance(value, datetime):
        return datetime.fromtimestamp(value.timestamp(), value.tzinfo or UTC)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")
