"""``parse_email``: raw RFC 822 bytes to one lead record. Pure and deterministic.

A site template reads the mail when one matches; otherwise the generic reader decides by
what the mail shows (LEADS.md), so an unknown template or site is never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import replace

from shared.parsing.finish import finish, templated
from shared.parsing.forwarding import strip_fwd_prefix, unwrap
from shared.parsing.generic import RENTAL_CONTEXT, Reading, read_generic
from shared.parsing.mail import read_mail
from shared.parsing.record import Classification, Lead, ReviewReason, Source
from shared.parsing.renter import person_name
from shared.parsing.site import site_of
from shared.parsing.sources import OTHER, REGISTRY, SourceParser
from shared.parsing.view import LeadMail

DEFAULT_TZ = "America/New_York"
_RELAY_LOCAL = re.compile(r"^(?=[^@]{12,}@)(?=[^@]*\d)[\w.+-]+@|^reply[-+.]", re.I)
ROBOT_LOCAL = re.compile(
    r"^(?:[\w.+]*[-_.+])?(?:no-?reply|do-?not-?reply|notifications?|alerts?|updates?|info|"
    r"support|leads?|inquir\w*|messages?|mailer|bounce|robot|hello|team|news|wordpress|"
    r"forms?|webmaster|website|contact(?:-?form)?|calendar-notification|service)\b",
    re.I,
)


def _view(raw: bytes, tz: str) -> LeadMail:
    mail = read_mail(raw)
    body = mail.body  # rendered once: the HTML's text is the costly part
    inner = unwrap(body, tz)
    if inner is None:
        return LeadMail(
            from_name=mail.from_name,
            from_addr=mail.from_addr,
            reply_to=mail.reply_to,
            subject=mail.subject,
            sent_at=mail.date,
            body=body,
            html=mail.html,
            forwarded=False,
            to_addr=mail.to_addr,
            reply_to_name=mail.reply_name,
            limits_hit=mail.limits_hit,
            attachments=mail.attachments,
        )
    return LeadMail(
        from_name=inner.from_name,
        from_addr=inner.from_addr,
        reply_to=None,
        subject=inner.subject or strip_fwd_prefix(mail.subject),
        sent_at=inner.date or mail.date,
        body=inner.body,
        html=mail.html,
        forwarded=True,
        to_addr=mail.to_addr,
        limits_hit=mail.limits_hit,
        attachments=mail.attachments,
    )


def detect(mail: LeadMail, withheld: frozenset[str] = frozenset()) -> SourceParser | None:
    """The family whose domain sent the email; for forwards, content markers as a hint.

    Args:
        mail: The (unwrapped) email.
        withheld: Families to act as if the registry had none of (leave one out).
    """
    known = [p for p in REGISTRY if p.name not in withheld]
    for parser in known:
        if parser.sent_by(mail):
            return parser
    if mail.forwarded:
        return next((p for p in known if p.is_inquiry(mail)), None)
    return None


_RELAY_HOST = re.compile(r"@(?:[\w-]+\.)*(?:reply|replies|relay|reply-\w+)\.", re.I)


def platform_sender(mail: LeadMail) -> bool:
    """True when a site, not a person, sent the mail (relay, robot or branded sender)."""
    if site_of(mail.from_addr) is None:
        return False
    return bool(
        _RELAY_LOCAL.match(mail.from_addr)
        or _RELAY_HOST.search(mail.from_addr)
        or ROBOT_LOCAL.match(mail.from_addr)
        or " via " in mail.from_name
        or len(mail.from_name.split()) == 1  # a brand ("HotPads"); a person gives two names
        or person_name(mail.from_name) is None
    )


def parse_email(
    raw: bytes,
    tz: str = DEFAULT_TZ,
    *,
    templates: bool = True,
    as_lead: bool = False,
    withheld: frozenset[str] = frozenset(),
) -> Lead:
    """Parse one email into a lead record.

    Args:
        raw: The email's RFC 822 bytes.
        tz: Time zone for forwarded blocks' dates and tour times (they carry no offset).
        templates: False switches every site template off, so the generic reader reads
            all mail (the leave-one-template-out measure).
        as_lead: A person said this email is a lead (a correction): what no template
            reads is read by the generic reader as a lead, ``needs_review`` cleared.
        withheld: Source families the parser acts as if it had never met (no module, no
            sender domains): the leave-one-family-out measure.

    Returns:
        A :class:`Lead`; ``is_lead`` is False only for mail that shows no inquiry or has
        a recognised non-lead shape; ``classified_by`` says why. Mail the parser cannot
        read (a nesting past the interpreter's recursion limit, a fault of the parser's
        own) is ``unrecognised`` with ``limits_hit: ["parser"]``: it never raises.
    """
    try:
        return _parse(raw, tz, templates, as_lead, withheld)
    except Exception as exc:  # noqa: BLE001 - one email's content never stops the pipeline
        return Lead.unreadable("parser", f"the parser could not read it: {type(exc).__name__}")


def _parse(raw: bytes, tz: str, templates: bool, as_lead: bool, withheld: frozenset[str]) -> Lead:
    mail = _view(raw, tz)
    family, platform = detect(mail, withheld), platform_sender(mail)
    site = site_of(mail.from_addr) if family is not None or platform else None
    lead = _read(mail, tz, templates, family, platform, site)
    if lead.is_lead or not as_lead:
        return lead
    reading = read_generic(mail, site, family is not None, tz, force=True)
    done = finish(reading.lead, mail, family.name if family is not None else "other", ())
    why = replace(done.classified_by, corrected=True)
    return replace(done, needs_review=False, review_reasons=[], classified_by=why)


def _read(
    mail: LeadMail,
    tz: str,
    templates: bool,
    family: SourceParser | None,
    platform: bool,
    site: str | None,
) -> Lead:
    if templates and family is not None and family.is_inquiry(mail):
        return templated(family, mail, tz, site)
    person = family is None and not platform  # a person's own mail, or a form of no site
    reading = read_generic(mail, site, family is not None, tz, person=person)
    if person and reading.shape is None and templates and OTHER.is_inquiry(mail):
        return templated(OTHER, mail, tz, None)
    if not reading.lead.is_lead:
        return _not_lead(mail, _why_not(mail, reading, person))
    source: Source = family.name if family is not None else "other"
    extra: tuple[ReviewReason, ...] = ("unknown_template",) if family is not None else ()
    return finish(reading.lead, mail, source, extra)


def _why_not(mail: LeadMail, reading: Reading, person: bool) -> Classification:
    """The named shape of a non-lead; ``personal`` only for a person's mail that speaks of
    no rental at all; None (unrecognised) for everything else."""
    shape = reading.shape
    if shape is None and person and mail.from_addr and any(mail.lines):
        shape = None if RENTAL_CONTEXT & set(reading.signals) else "personal"
    if shape is None:
        return Classification(evidence=reading.signals)
    return Classification(evidence=(*reading.signals, "non_lead_shape"), shape=shape)


READ_WHOLE = frozenset({"date"})  # bounds that cut nothing of what the parser reads


def _not_lead(mail: LeadMail, why: Classification) -> Lead:
    """A non-lead. Without a named shape it is ``unrecognised``: a person decides. A named
    ``personal`` mail cut by a bound is too, since the lead may lie past the cut."""
    cut = bool(set(mail.limits_hit) - READ_WHOLE) and why.shape in (None, "personal")
    unnamed = why.shape is None or cut
    return Lead(
        is_lead=False,
        inquiry_at=mail.sent_at,
        limits_hit=mail.limits_hit,
        classified_by=why,
        needs_review=unnamed,
        review_reasons=["unrecognised"] if unnamed else [],
    )
