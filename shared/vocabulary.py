"""The project's closed vocabularies, each defined once: the parser, the stores, the API's
models and its OpenAPI document all take them from here. Light on purpose (no imports of
SDKs or the parser), so any module may use them."""

from __future__ import annotations

from typing import Literal, get_args

Source = Literal[
    "zillow", "realtor", "apartments", "rentmarketplace", "apartmentlist", "avail", "other"
]
ReviewReason = Literal[
    "unknown_source", "no_contact", "no_name", "no_property", "partial", "doubtful"
]
LeadStatus = Literal["new", "contacted", "qualified", "closed"]  # a lead's place in the CRM
# "disconnecting": the token is being revoked and its secret deleted; if that fails the
# account stays here, with the reason, until a disconnect succeeds.
AccountState = Literal["connected", "needs_reauth", "disconnecting", "disconnected"]

SOURCES: tuple[str, ...] = get_args(Source)
REVIEW_REASONS: tuple[str, ...] = get_args(ReviewReason)
