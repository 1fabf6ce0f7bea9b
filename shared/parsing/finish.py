"""A lead's last steps: a template's reading completed by the generic reader, then the fields
every source shares (source, time, relay, review reasons) and printable values."""

from __future__ import annotations

from dataclasses import replace

from shared.parsing.contact import relay_of
from shared.parsing.generic import read_generic
from shared.parsing.intent import intent_of, tour_times
from shared.parsing.listing import read_address
from shared.parsing.normalize.printable import clean_fields
from shared.parsing.record import Classification, Lead, ReviewReason, Source
from shared.parsing.review import review_reasons
from shared.parsing.sources import OTHER, SourceParser
from shared.parsing.view import LeadMail, real_email


def finish(lead: Lead, mail: LeadMail, source: Source, extra: tuple[ReviewReason, ...]) -> Lead:
    """The lead as a record: source, inquiry time, relay and email, review reasons, clean."""
    reply_to = lead.reply_to or relay_of(mail.reply_to, mail.from_addr)
    email = lead.email
    if email is None and mail.reply_to and mail.reply_to != mail.to_addr:
        email = real_email(mail.reply_to)
    prop = lead.property
    if prop.name and (prop.name == prop.street or read_address(prop.name) is not None):
        prop = replace(prop, name=None)  # a name is never the street (LEADS.md)
    done = replace(
        lead,
        property=prop,
        is_lead=True,
        source=source,
        inquiry_at=mail.sent_at,
        email=email if email != reply_to else None,
        reply_to=reply_to,
        attachments=list(mail.attachments),
        limits_hit=mail.limits_hit,
    )
    reasons = review_reasons(
        done,
        partial="partial" in lead.review_reasons,
        doubtful="doubtful" in lead.review_reasons or bool(mail.limits_hit),
        extra=extra,
    )
    return clean_fields(replace(done, review_reasons=reasons, needs_review=bool(reasons)))


def _filled(lead: Lead, mail: LeadMail, site: str | None, tz: str) -> Lead:
    """What a template left empty (a contact, the listing, the name), from the generic
    reader: a template knows its layout, the generic reader the rest of the mail."""
    prop = lead.property
    relay = relay_of(mail.reply_to, mail.from_addr)  # _finish adds it
    reachable = bool(lead.email or lead.phone or lead.reply_to or relay)
    if reachable and (prop.street or prop.name) and (lead.first_name or lead.last_name):
        return lead
    other = read_generic(mail, site, True, tz, force=True).lead
    named = bool(lead.first_name or lead.last_name)
    return replace(
        lead,
        first_name=lead.first_name if named else other.first_name,
        last_name=lead.last_name if named else other.last_name,
        email=lead.email or other.email,
        phone=lead.phone or other.phone,
        property=prop if prop.street or prop.name else other.property,
    )


def templated(parser: SourceParser, mail: LeadMail, tz: str, site: str | None) -> Lead:
    """A site template\'s reading, completed by the generic reader and finished."""
    lead = parser.parse(mail)
    if parser is not OTHER:
        lead = _filled(lead, mail, site, tz)
    template = parser.template_of(mail) if parser.template_of else parser.templates[0]
    lead = replace(
        lead,
        site=site,
        intent=lead.intent or intent_of(mail.subject, lead.message),
        tour_times=lead.tour_times or tour_times(mail.lines, mail.sent_at, tz),
        classified_by=Classification(template=f"{parser.name}/{template}"),
    )
    return finish(lead, mail, parser.name, ())
