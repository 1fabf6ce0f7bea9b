"""``parse_email``: raw RFC 822 bytes to one lead record. Pure and deterministic."""

from __future__ import annotations

from dataclasses import replace

from shared.parsing.contact import relay_of
from shared.parsing.forwarding import strip_fwd_prefix, unwrap
from shared.parsing.mail import read_mail
from shared.parsing.record import Lead
from shared.parsing.review import review_reasons
from shared.parsing.sources import OTHER, REGISTRY, SourceParser
from shared.parsing.view import LeadMail, real_email

DEFAULT_TZ = "America/New_York"


def _view(raw: bytes, tz: str) -> LeadMail:
    mail = read_mail(raw)
    body = mail.body
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
            limits_hit=mail.limits_hit,
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
    )


def detect(mail: LeadMail) -> SourceParser | None:
    """The family whose domain sent the email; for forwards, content markers as a hint."""
    for parser in REGISTRY:
        if parser.sent_by(mail):
            return parser
    if mail.forwarded:
        found = next((p for p in REGISTRY if p.is_inquiry(mail)), None)
        if found is not None:
            return found
    return OTHER if OTHER.is_inquiry(mail) else None


def _finish(lead: Lead, mail: LeadMail, source: SourceParser) -> Lead:
    reply_to = lead.reply_to or relay_of(mail.reply_to, mail.from_addr)
    email = lead.email
    if email is None and mail.reply_to and mail.reply_to != mail.to_addr:
        email = real_email(mail.reply_to)
    done = replace(
        lead,
        is_lead=True,
        source=source.name,
        inquiry_at=mail.sent_at,
        email=email,
        reply_to=reply_to,
        limits_hit=mail.limits_hit,
    )
    reasons = review_reasons(
        done,
        partial="partial" in lead.review_reasons,
        doubtful="doubtful" in lead.review_reasons or bool(mail.limits_hit),
    )
    return replace(done, review_reasons=reasons, needs_review=bool(reasons))


def parse_email(raw: bytes, tz: str = DEFAULT_TZ) -> Lead:
    """Parse one email into a lead record.

    Args:
        raw: The email's RFC 822 bytes.
        tz: Time zone for forwarded blocks' dates (they carry no offset).

    Returns:
        A :class:`Lead`; ``is_lead`` is False for anything that is not a renter's inquiry.
    """
    mail = _view(raw, tz)
    parser = detect(mail)
    if parser is None or not parser.is_inquiry(mail):
        return Lead(is_lead=False, inquiry_at=mail.sent_at, limits_hit=mail.limits_hit)
    return _finish(parser.parse(mail), mail, parser)
