"""Whether mail no template knows is a lead, decided by what it shows: a way to reach a
renter, a renter, a listing and an intent; and the shapes of the mail that is not a lead
(saved searches, listing reports, payments, account, maintenance, voicemail, bounces)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shared.parsing.record import EvidenceSignal, NonLeadShape

_SHAPE_TEXT: tuple[tuple[NonLeadShape, str], ...] = (
    (
        "bounce",
        r"undeliver|delivery status notification|returned mail|failure notice|"
        r"mail delivery (?:failed|subsystem)|delivery has failed|could not be delivered",
    ),
    (
        "saved_search",
        r"saved search|new listings? (?:for|matching|in|near)|homes? for you|"
        r"(?:listings?|rentals?|homes?) (?:you|that) (?:may|might) like|price (?:cut|drop|"
        r"reduced)|new (?:rentals|homes|apartments|matches) (?:matching|near|in|for)|"
        r"search alert|daily digest|new matches|recommended (?:for you|listings|rentals)",
    ),
    (
        "listing_report",
        r"listing (?:performance|report|stats|activity|summary)|weekly "
        r"(?:report|summary|performance|update)|performance (?:report|summary)|your listing "
        r"(?:has|is|was|will)\b|listing (?:is )?(?:expir\w*|deactivated|activated|now live|"
        r"published|approved|paused)|views? (?:this|last) (?:week|month)|monthly report|"
        r"listing\b.{0,120}\b(?:expires?|expiring|expired|renew(?:al|ed)?|deactivated)\b",
    ),
    (
        "payment",
        r"payment (?:received|confirmation|receipt|processed|failed|reminder|due|"
        r"scheduled|successful)|rent (?:payment|receipt|is due|reminder|was paid|paid)|"
        r"receipt for|your (?:invoice|statement|receipt)|\binvoice\b|autopay|payout|"
        r"deposit (?:received|processed)|you(?:'ve| have) been paid",
    ),
    (
        "account",
        r"password|verify your (?:e-?mail|account|identity)|security (?:alert|code)|"
        r"sign[- ]?in|log[- ]?in (?:attempt|alert|code)|verification code|two-factor|\b2fa\b|"
        r"confirm your (?:e-?mail|account)|account (?:update|created|settings|activity)|"
        r"welcome to\b|terms (?:of service )?(?:update|changes)",
    ),
    (
        "maintenance",
        r"maintenance (?:request|ticket|issue)|work order|service request|"
        r"repair request|request from (?:a |your )?(?:resident|tenant)",
    ),
    ("voicemail", r"voice ?mail|missed call|new voice message|call from \(?\d{3}"),
    (
        "newsletter",
        r"newsletter|webinar|market (?:report|update|trends)|tips for landlords|"
        r"product update|\d+% off|promo code|special offer|news from",
    ),
)
_SHAPES = tuple((name, re.compile(text, re.I)) for name, text in _SHAPE_TEXT)

_BODY_SHAPES = frozenset({"bounce", "saved_search", "payment", "maintenance", "voicemail"})
_BUTTON = re.compile(
    r"^\[?(?:reply|respond)\b|\breply (?:directly )?to (?:this e-?mail|respond)\b|"
    r"\bhit reply\b|\breply now\b",
    re.I,
)
_LINK = re.compile(
    r"https?://[^\s\"'<>]{0,200}/(?:rental|rentals|listing|listings|homedetails|apartment|"
    r"apartments|property|properties|building|view/d|apa/d|\d+_zpid|for-rent)[/?\-_.\w]",
    re.I,
)
_INTENT = re.compile(
    r"\?|\b(?:interested|available|availability|tour|showing|viewing|schedule|apply|"
    r"application|inquir(?:y|e|ing)|more information|information (?:about|on)|"
    r"prospect|lead|would like to|looking (?:for|at)|move[- ]in|new (?:contact|message))\b",
    re.I,
)


def non_lead_shape(subject: str, lines: Sequence[str], from_addr: str) -> NonLeadShape | None:
    """The recognised non-lead shape of an email (subject first, then its opening lines)."""
    if from_addr.startswith(("mailer-daemon@", "postmaster@")):
        return "bounce"
    for name, pattern in _SHAPES:
        if pattern.search(subject):
            return name
    head = "\n".join(line for line in lines[:12] if line)[:3000]
    for name, pattern in _SHAPES:  # a lead's body may say "sign in" or "your listing"
        if name in _BODY_SHAPES and pattern.search(head):
            return name
    return None


def reply_button(lines: Sequence[str]) -> bool:
    """True if the mail offers the landlord a way to answer the renter through it."""
    return any(len(line) <= 160 and _BUTTON.search(line) for line in lines)


def listing_link(text: str) -> bool:
    """True if the mail links to a listing page."""
    return bool(_LINK.search(text[:600_000]))


def intent_words(text: str) -> bool:
    """True if the subject or message asks something of a listing."""
    return bool(_INTENT.search(text))


def is_lead(signals: Sequence[EvidenceSignal]) -> bool:
    """The decision for mail of no recognised non-lead shape: a way to reach a renter, a
    renter or a listing, and an intent."""
    seen = set(signals)
    reach = bool(seen & {"renter_contact", "relay_reply_to", "reply_button"})
    who_or_where = bool(seen & {"renter_name", "listing_address", "listing_link"})
    return reach and who_or_where and "intent_words" in seen
