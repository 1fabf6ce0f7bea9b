"""``needs_review`` and ``review_reasons`` (LEADS.md), computed once for every source."""

from __future__ import annotations

from shared.parsing.record import Lead, ReviewReason


def review_reasons(
    lead: Lead, partial: bool, doubtful: bool, extra: tuple[ReviewReason, ...] = ()
) -> list[ReviewReason]:
    """The reasons a person should look at this lead before trusting it.

    Args:
        lead: The parsed lead (``source`` set).
        partial: The mail only previews the inquiry (details behind the site's login).
        doubtful: The parser met a value it could not place, or a bound cut the email.
        extra: Reasons the caller knows (``unknown_template`` from the generic reader).

    Returns:
        The reasons in the contract's order; empty when the lead can be trusted.
    """
    reasons: list[ReviewReason] = []
    if lead.source == "other":
        reasons.append("unknown_source")
    reasons.extend(extra)
    if not (lead.email or lead.phone or lead.reply_to):
        reasons.append("no_contact")
    if not (lead.first_name or lead.last_name):
        reasons.append("no_name")
    if not (lead.property.street or lead.property.name):
        reasons.append("no_property")
    if partial:
        reasons.append("partial")
    if doubtful:
        reasons.append("doubtful")
    return reasons
