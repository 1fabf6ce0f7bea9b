"""The renter's own words: a message ends at the site's own text and never includes a
quoted earlier message (the landlord's reply), a signature or a profile block."""

from __future__ import annotations

import re

from shared.parsing.text import NO_ANSWER

SITE_TEXT = re.compile(
    r"^(?:Reply(?: to [A-Z]\S{0,40}| on Zillow)?|Send (?:an )?[Aa]pplication|Call [A-Z]\S{0,40}|"
    r"View (?:listing|"
    r"this listing|message|details)|See .{1,60} in Zillow(?: App)?|See all listing details|"
    r"You can also reply directly.*|Reminder: The federal Fair Housing.*|"
    r"Some rental inquiries may be scams.*|Have questions or need help\?.*|"
    r"About [A-Z][\w'’-]{0,40}(?: [A-Z][\w'’.-]{0,40}){0,3}|"
    r"(?:[A-Z][\w'’-]{0,40}(?:'s|’s) )?[Rr]enter profile|"
    r"New message from a renter|Regarding your listing at:.*|Your listing|Property Details|"
    r"Property Information|Property Name:.*|Renter'?s (?:Information|Preferences)|"
    r"Plan name:.*|Preferred method of contact:.*|I plan to move on.*|Have any questions\?.*|"
    r"This consumer inquired about:?|Property Address:.*|MLSID.*|Zillow, Inc\..*|"
    r"To ensure that you receive our emails.*|\*You may not send SMS.*|Click Here to Reply.*|"
    r"Wishing you success.*|Contact (?:Renter|Now).*|Unsubscribe.*|Privacy Policy.*|©.*|"
    r"(?:Copyright|\(c\)) \d{4}.*|Sent from my .{1,40}|-- ?|__+|"
    r"Zillow \| Trulia.*|Realtor Tip:.*|Every minute counts.*|Initiated From:.*|"
    r"Date Submitted:.*|Lead Submitted:.*)$"
)
# form metadata and the site's own notices: a message never runs on into them
METADATA = re.compile(
    r"^(?:(?:user |remote |client )?ip(?: address)?|user[- ]agent|browser|referr?er|"
    r"(?:page|form|source|landing) (?:url|page|name)|search (?:filters?|criteria)(?: used)?|"
    r"submitted (?:on|at|from|via)|submission (?:date|time|id)|time ?stamp|sent (?:on|at|from)|"
    r"form (?:id|submitted)|entry id|lead (?:id|source|type)|tracking (?:id|code)|utm_\w+)"
    r"\s{0,3}[:#=]|^to (?:view|see|respond to|reply to|accept|review) this (?:application|"
    r"inquiry|lead|message|request)\b|^(?:this|the) (?:message|inquiry|lead) was sent (?:from|via|"
    r"through)\b|^you (?:received|got|have) (?:a|an|one) (?:question|message|inquiry|request) "
    r"(?:about|for|regarding)\b|^[\w .'-]{1,60} has requested an? (?:tour|showing|viewing)\b",
    re.I,
)
_QUOTES = "\"'“”‘’"


def is_site_text(line: str) -> bool:
    """True for a line the site writes around a message (buttons, footers, sections)."""
    return len(line) <= 400 and bool(SITE_TEXT.match(line) or METADATA.match(line))


def unquote(text: str | None) -> str | None:
    """Drop the quotation marks a site puts around the renter's message."""
    if not text:
        return None
    if text[0] in _QUOTES:
        text = text[1:]
        if text and text[-1] in _QUOTES:
            text = text[:-1]
    return text.strip() or None


def is_unanswered_message(text: str | None) -> bool:
    """True for messages that say nothing (``NA``, ``None``, ``N/A``)."""
    return text is None or text.strip().lower().rstrip(".") in NO_ANSWER
