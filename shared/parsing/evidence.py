"""Whether mail no template knows is a lead, decided by what it shows: a way to reach a
renter, a renter, a listing and an intent; and the shapes of the mail that is not a lead
(saved searches, listing reports, payments, account, maintenance, voicemail, bounces)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shared.parsing.record import EvidenceSignal, NonLeadShape

_STATS_TEXT = (
    r"\b\d[\d,]*\+? (?:[\w-]+ ){0,2}(?:views?|viewed|impressions|clicks|saves|saved|"
    r"favorit\w*|visits|visitors|shares)\b|\b(?:renters|people|shoppers|users|visitors) "
    r"(?:viewed|saw|saved|favorited|looked at|are viewing)\b|\bgot \d[\d,]* \w+|"
    r"\b(?:your|listing) (?:stats|statistics|insights|analytics)\b"
)
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
    ("listing_report", _STATS_TEXT),  # counts: what many renters did, not one inquiry
    (
        "screening",
        r"screening (?:report|results?|request|complete|is ready)|background (?:check|report)|"
        r"credit (?:report|check) (?:is )?(?:ready|complete|results?)|tenant screening|"
        r"application (?:has been |was |is )?(?:approved|denied|declined|conditionally)|"
        r"(?:has|have) been (?:approved|denied|declined) for|approval (?:notice|letter)|"
        r"adverse action",
    ),
    (
        "lease",
        r"lease (?:signed|renewal|is ready|has been (?:signed|sent|executed)|agreement "
        r"(?:signed|ready|sent|for)|documents?)|ready for (?:your )?signature|"
        r"please (?:docu)?sign|sign your lease|docusign|completed: |\be-?signature\b",
    ),
    (
        "calendar",
        r"^(?:updated |new )?invitation(?: \(\w+\))?: |^(?:accepted|declined|tentatively "
        r"accepted|canceled event|cancelled event|event canceled)(?: \(\w+\))?: |"
        r"invitation from google calendar|^reminder: .{1,80} @ ",
    ),
    (
        "payment",
        r"payment (?:received|confirmation|receipt|processed|failed|reminder|due|"
        r"scheduled|successful)|rent (?:payment|receipt|is due|reminder|was paid|paid)|"
        r"receipt for|your (?:invoice|statement|receipt|bill)\b|\binvoice\b|autopay|payout|"
        r"bill is (?:ready|due|available)|amount due|balance due|"
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
    (
        "voicemail",
        r"voice ?mail|missed call|voice message|call from \(?\d{3}|left (?:you )?a (?:voice )?"
        r"message|transcri(?:pt|ption) of|caller ?id\b|call duration|new message from \+?\(?\d{3}",
    ),
    (
        "newsletter",
        r"newsletter|webinar|market (?:report|update|trends)|tips for landlords|"
        r"product update|\d+% off|promo code|special offer|news from|introducing\b|"
        r"new features?\b|upgrade (?:to|your)|premium (?:listing|plan|membership)|boost your|"
        r"promote your (?:listing|property)|get more (?:leads|renters|applicants)|free trial|"
        r"limited time|tips? (?:for|to) (?:rent|landlords|renting|find)|(?:a|your) guide to|"
        r"\bsurvey\b|tell us (?:what|how)|rate your experience|how did we do|"
        r"(?:landlord|rental|renting) (?:tips|resources|news)",
    ),
)
_SHAPES = tuple((name, re.compile(text, re.I)) for name, text in _SHAPE_TEXT)

_BODY_SHAPES = frozenset(
    {"bounce", "saved_search", "payment", "maintenance", "voicemail", "screening", "lease"}
)
# the sender's role: a site's marketing, billing or account mail is never its lead relay
_ROLE: tuple[tuple[NonLeadShape, re.Pattern[str]], ...] = (
    (
        "newsletter",
        re.compile(
            r"^(?:marketing|news(?:letters?)?|promo(?:tions?)?|offers|deals|digest|"
            r"community|events|editor|insights|product|announcements?)[-_.+@]",
            re.I,
        ),
    ),
    ("payment", re.compile(r"^(?:billing|receipts?|invoices?|payments?|payouts?)[-_.+@]", re.I)),
    ("account", re.compile(r"^(?:security|accounts?|verify|verification)[-_.+@]", re.I)),
)
# a count in the body is a report only in a report's head, never in one renter's words
_STATS = re.compile(_STATS_TEXT, re.I)
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
    for name, role in _ROLE:
        if role.match(from_addr):
            return name
    for name, pattern in _SHAPES:
        if pattern.search(subject):
            return name
    head = "\n".join(line for line in lines[:12] if line)[:3000]
    for name, pattern in _SHAPES:  # a lead's body may say "sign in" or "your listing"
        if name in _BODY_SHAPES and pattern.search(head):
            return name
    opening = "\n".join(line for line in lines[:3] if line)[:600]
    return "listing_report" if _STATS.search(opening) else None


_RENTAL = re.compile(
    r"\b(?:apartments?|apt|units?|for rent|rental|rent|renting|lease|leasing|landlord|tenant|"
    r"\d ?(?:br|bd|beds?|bedrooms?)|bedrooms?|studio|listing|showing|sublet|move[- ]?in|"
    r"moving|security deposit|application|property|condo|townhome|townhouse|duplex|house "
    r"for|tour|viewing|vacan(?:t|cy)|available unit|pets? allowed|utilities)\b",
    re.I,
)


def rental_words(text: str) -> bool:
    """True if the text speaks of renting (a listing, a lease, a move-in, bedrooms)."""
    return bool(_RENTAL.search(text))


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
