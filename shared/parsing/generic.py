"""The generic reader under every source: a lead from what the mail shows, for templates
and sites no source module knows (LEADS.md "Whether an email is a lead…")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from shared.parsing.common import clean_property_name
from shared.parsing.evidence import (
    intent_words,
    is_lead,
    listing_link,
    non_lead_shape,
    rental_words,
    reply_button,
)
from shared.parsing.intent import intent_of, tour_times
from shared.parsing.labels import Labels
from shared.parsing.listing import find_listing, is_listing_label, read_address
from shared.parsing.profile import PROFILE_LABELS, read_profile
from shared.parsing.record import Classification, EvidenceSignal, Lead, NonLeadShape
from shared.parsing.renter import renter_contact, renter_name
from shared.parsing.view import LeadMail, real_email
from shared.parsing.words import renter_words
from shared.parsing.zones import content_end

MAX_READ_LINES = 600
"""Lines the generic reader reads (lead mail has under 400; the rest is never a lead's)."""
RENTAL_CONTEXT: frozenset[EvidenceSignal] = frozenset(
    {"listing_address", "listing_link", "rental_words"}
)
"""What ties a person's own mail to renting; without one it is no lead (LEADS.md)."""
_COMMUNITY = re.compile(
    r"\b(?:lead|inquiry|contact|interest|interested|prospect|message)\s+(?:for|in|at|about)\s+"
    r"(?P<n>(?-i:[A-Z])[^:|()]{2,80}?)(?::| on [A-Z][\w.]+$| - | from |\s*\(|$)",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """What the generic reader made of an email: the lead (``is_lead`` decided) and why."""

    lead: Lead
    signals: tuple[EvidenceSignal, ...]
    shape: NonLeadShape | None


def _community(subject: str, labels: Labels) -> str | None:
    named = clean_property_name(labels.get("property_name"))
    if named:
        return named
    m = _COMMUNITY.search(subject)
    if m is None:
        return None
    name = clean_property_name(m.group("n"))
    if not name or "your " in name.lower() or "listing" in name.lower() or read_address(name):
        return None
    return name if len(name.split()) <= 8 else None


def _stop(line: str) -> bool:
    return is_listing_label(line) or (len(line) <= 100 and read_address(line) is not None)


_SENDER_ROBOT = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer|wordpress|forms?|webmaster|notifications?|alerts?)\b",
    re.I,
)


def _sender(mail: LeadMail) -> str | None:
    """The sender's own address, when a person (not a form's robot) sent the mail."""
    found = real_email(mail.from_addr) if mail.from_addr else None
    return found if found and not _SENDER_ROBOT.match(found) else None


def _speaks_of_renting(
    mail: LeadMail, lines: list[str], labels: Labels, message: str | None
) -> bool:
    """Rental words in the subject and the writer's own words (the whole opening when no
    message was found), or a renter's profile rows: a block the site added never counts."""
    profile = ("move_in", "bedrooms", "pets", "lease", "income", "credit", "occupants")
    if any(key in labels.index for key in profile):
        return True
    words = [message] if message else lines[:60]
    return rental_words("\n".join([mail.subject, *words])[:20_000])


def read_generic(
    mail: LeadMail,
    site: str | None,
    family_sender: bool,
    tz: str,
    *,
    force: bool = False,
    person: bool = False,
) -> Reading:
    """Read any email by meaning and decide whether it is a renter's inquiry.

    Args:
        mail: The (unwrapped) email.
        site: The brand that sent or relayed it (None for a person's own mail).
        family_sender: The sender belongs to a known family.
        tz: The mailbox's time zone (tour times without an offset).
        force: A person said it is a lead: read it as one whatever it shows.
        person: A person (or a form of no known site) sent it: the sender's address
            reaches the renter, and the mail must speak of renting to be a lead.

    Returns:
        The reading; ``lead.is_lead`` is the decision.
    """
    shape = non_lead_shape(mail.subject, mail.lines, mail.from_addr)
    if shape is not None and not force:  # a recognised non-lead is not read further
        seen_shape: tuple[EvidenceSignal, ...] = ("family_sender",) if family_sender else ()
        return Reading(lead=Lead(), signals=seen_shape, shape=shape)
    lines = mail.lines[: min(content_end(mail.lines), MAX_READ_LINES)]
    labels = Labels(lines, PROFILE_LABELS)
    message, anchor = renter_words(lines, labels, _stop)
    first, last = renter_name(mail, labels, anchor, site)
    contact = renter_contact(mail, lines, labels, site)
    if person and contact.email is None and not contact.reply_to:
        contact = replace(contact, email=_sender(mail))
    prop, has_address = find_listing(lines, mail.subject)
    prop = replace(prop, name=_community(mail.subject, labels))
    profile = read_profile(labels, mail.ref_date)
    seen: list[EvidenceSignal] = ["family_sender"] if family_sender else []
    flags: tuple[tuple[EvidenceSignal, bool], ...] = (
        ("relay_reply_to", bool(contact.reply_to)),
        ("reply_button", reply_button(lines)),
        ("renter_name", bool(first or last)),
        ("renter_contact", bool(contact.email or contact.phone)),
        ("listing_address", has_address),
        ("listing_link", listing_link(mail.html or mail.body)),
        ("rental_words", _speaks_of_renting(mail, lines, labels, message)),
        (
            "intent_words",
            bool(anchor) or intent_words("\n".join([mail.subject, message or "", *lines[:8]])),
        ),
    )
    seen += [name for name, present in flags if present]
    decided = force or (is_lead(seen) and (not person or bool(RENTAL_CONTEXT & set(seen))))
    lead = Lead(
        is_lead=decided,
        site=site,
        intent=intent_of(mail.subject, message) if decided else None,
        tour_times=tour_times(lines, mail.sent_at, tz) if decided else [],
        first_name=first,
        last_name=last,
        email=contact.email,
        reply_to=contact.reply_to,
        phone=contact.phone,
        property=prop,
        **vars(profile),
        message=message,
        classified_by=Classification(evidence=tuple(seen)),
    )
    return Reading(lead=lead, signals=tuple(seen), shape=None)
