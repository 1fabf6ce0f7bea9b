"""``parse_email``: raw RFC 822 bytes to one lead record. Pure and deterministic."""

from __future__ import annotations

from dataclasses import replace

from shared.parsing.forwarding import strip_fwd_prefix, unwrap
from shared.parsing.mail import read_mail
from shared.parsing.record import Lead
from shared.parsing.sources import REGISTRY, SourceParser
from shared.parsing.view import LeadMail

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
    )


def detect(mail: LeadMail) -> SourceParser | None:
    """The source whose domain sent the email; for forwards, content markers as a hint."""
    for parser in REGISTRY:
        if parser.sent_by(mail):
            return parser
    if mail.forwarded:
        return next((p for p in REGISTRY if p.is_inquiry(mail)), None)
    return None


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
        return Lead(is_lead=False, inquiry_at=mail.sent_at)
    lead = parser.parse(mail)
    return replace(lead, is_lead=True, source=parser.name, inquiry_at=mail.sent_at)
