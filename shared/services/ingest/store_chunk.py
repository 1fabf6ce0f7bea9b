"""Parse and store a chunk's fetched emails: renters in parallel, one renter's emails in turn.

Two emails of one renter in one transaction race would contend for the same lead document;
grouping them by dedup key and storing each group in order avoids that, while different
renters are stored concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from shared.config import Settings
from shared.errors import LeadHarvestError, PermanentError, RetryableError
from shared.logs import get_logger
from shared.parsing import Lead, parse_email
from shared.store.lead_records import dedup_keys

STORE_THREADS = 8
log = get_logger(__name__)


def too_large(max_bytes: int) -> Lead:
    """The record of an email over ``EMAIL_MAX_BYTES``: unread, for a person to look at."""
    return Lead.unreadable("email_bytes", f"over {max_bytes} bytes: not read")


def parse(raw: bytes, settings: Settings, *, as_lead: bool = False) -> Lead:
    """Parse one email for the pipeline; never raises. Mail over ``EMAIL_MAX_BYTES`` or
    that the parser cannot read is ``unrecognised`` (``limits_hit`` names why), which a
    person is shown: one email's content is never a failure that retries or dies.

    ``as_lead``: a person corrected this email to a lead (see ``parse_email``)."""
    if len(raw) > settings.email_max_bytes:
        return too_large(settings.email_max_bytes)
    lead = parse_email(raw, settings.mailbox_tz, as_lead=as_lead)
    if "parser" in lead.limits_hit:  # counted by a log-based metric: its rate alerts
        log.warning("email unreadable by the parser", extra={"fields": {"error": lead.error}})
    return lead


def renter_groups(leads: dict[str, Lead]) -> list[list[str]]:
    """Ids grouped so that emails sharing a phone or email are in the same group."""
    group_of_key: dict[str, int] = {}
    groups: list[list[str]] = []
    for gmail_id, lead in leads.items():
        keys = dedup_keys(lead) if lead.is_lead else []
        found = sorted({group_of_key[k] for k in keys if k in group_of_key})
        target = found[0] if found else len(groups)
        if not found:
            groups.append([])
        for other in found[1:]:  # this email joins groups: merge them
            groups[target] += groups[other]
            for k, g in group_of_key.items():
                if g == other:
                    group_of_key[k] = target
            groups[other] = []
        groups[target].append(gmail_id)
        for k in keys:
            group_of_key[k] = target
    return [g for g in groups if g]


def store_fetched(
    fetched: dict[str, bytes | LeadHarvestError],
    settings: Settings,
    save: Callable[[str, Lead, bytes], None],
    failures: dict[str, LeadHarvestError],
) -> list[str]:
    """Parse and save what was fetched; records failures; returns ids worth fetching again."""
    again, leads, raws = [], {}, {}
    for gmail_id, result in fetched.items():
        if not isinstance(result, bytes):
            failures[gmail_id] = result
            if isinstance(result, RetryableError):
                again.append(gmail_id)
            continue
        failures.pop(gmail_id, None)
        leads[gmail_id], raws[gmail_id] = parse(result, settings), result

    def store_group(ids: list[str]) -> None:
        for gmail_id in ids:
            try:
                save(gmail_id, leads[gmail_id], raws[gmail_id])
            except PermanentError as exc:  # this email's write was refused: it alone fails
                failures[gmail_id] = exc

    with ThreadPoolExecutor(max_workers=STORE_THREADS) as pool:
        # a transient store error re-raises (the chunk is redelivered); a permanent one is
        # that email's failure
        list(pool.map(store_group, renter_groups(leads)))
    return again
