"""The project's closed vocabularies, each defined once: the parser, the stores, the API's
models and its OpenAPI document all take them from here. Light on purpose (no imports of
SDKs or the parser), so any module may use them."""

from __future__ import annotations

from typing import Literal, get_args

Source = Literal[
    "zillow", "realtor", "apartments", "rentmarketplace", "apartmentlist", "avail", "other"
]
ReviewReason = Literal[
    "unknown_source",
    "unknown_template",
    "no_contact",
    "no_name",
    "no_property",
    "partial",
    "doubtful",
    # not a lead the parser can name: no lead evidence and no known non-lead shape, or mail
    # it could not read (its ``limits_hit`` says which bound); a person decides
    "unrecognised",
]
Intent = Literal["question", "tour_request", "application", "message"]  # what a renter asks for
# Why an email was read as a lead (or not) when no site template matched it.
EvidenceSignal = Literal[
    "family_sender",
    "relay_reply_to",
    "reply_button",
    "renter_name",
    "renter_contact",
    "listing_address",
    "listing_link",
    "intent_words",
    "rental_words",  # words of renting (apartment, lease, move-in…): person's mail needs them
    "non_lead_shape",
]
NonLeadShape = Literal[
    "saved_search",
    "listing_report",
    "payment",
    "account",
    "maintenance",
    "voicemail",
    "newsletter",
    "screening",  # a screening report, an application approved or denied
    "lease",  # a lease to sign, signed or renewed
    "calendar",  # a calendar invitation or its answer
    # a person's own mail that mentions no rental: no listing, no rental words, no form
    "personal",
    "bounce",
]
# a lead's place in the CRM; ``not_a_lead``: a person said so (it leaves the lists, its
# inquiries stay recorded, and a re-parse never undoes it)
LeadStatus = Literal["new", "contacted", "qualified", "closed", "not_a_lead"]
Correction = Literal["lead", "not_lead"]  # what a person said an email is
# "disconnecting": the token is being revoked and its secret deleted; if that fails the
# account stays here, with the reason, until a disconnect succeeds.
AccountState = Literal["connected", "blocked", "needs_reauth", "disconnecting", "disconnected"]
# What the frontend shows of a mailbox's sync: ``broken`` needs someone to act, ``degraded``
# works with something to look at; each reason says which.
Health = Literal["ok", "degraded", "broken"]
HealthReason = Literal[
    "not_connected",  # broken: disconnected or being disconnected
    "needs_reauth",  # broken: the user must connect again
    "blocked",  # broken: a Workspace policy or permission stops access
    "misconfigured",  # broken: Google refused the deployment's OAuth client (the operator's)
    "watch_expired",  # broken: no push notifications (only the safety net syncs)
    "sync_stale",  # broken: no sync for two safety-net periods
    "watch_expiring",  # degraded: the watch ends within a day
    "gmail_unavailable",  # degraded: Gmail fails the mailbox's calls; its work is paused
    "audit_missing",  # degraded: the last audit found mail without a record (queued again)
    "dead_emails",  # degraded: emails given up on after their last attempt
    "unrecognised",  # degraded: emails no outcome was named for wait for a person to decide
    "stuck_batches",  # degraded: a batch without progress for 30 minutes (sent again)
]
# What a batch is doing: ``waiting_retry`` when every email left waits in the retry list.
BatchState = Literal["queued", "running", "waiting_retry", "completed", "completed_with_errors"]
# Why a batch was queued: new mail a notification or the safety net found (the live lane),
# or bulk work: a first backfill, a person's request, retries, a re-parse, the audit
Trigger = Literal["push", "backfill", "manual", "retry", "scheduled", "reparse", "audit"]
RetryState = Literal["pending", "parked", "dead", "resolved"]  # an email in the retry list
# What became of an email (its record's outcome, or its place in a batch)
Outcome = Literal["lead", "merged", "not_lead", "erased"]
# What a chunk says of each of its emails: a record's outcome, or why there is none (yet):
# recorded by another batch, waiting in the retry list, given up on, set aside while the
# mailbox cannot be reached, or nothing to process
ChunkOutcome = Literal[
    "lead", "merged", "not_lead", "erased", "duplicate", "failed", "dead", "parked", "gone"
]
Outcomes = dict[str, ChunkOutcome]  # by Gmail id
# How the API orders leads: the newest update, the newest inquiry, the newest lead, by name
LeadSort = Literal["updated", "lastInquiry", "created", "name"]

BROKEN_REASONS = frozenset(
    {"not_connected", "needs_reauth", "blocked", "misconfigured", "watch_expired", "sync_stale"}
)

SOURCES: tuple[str, ...] = get_args(Source)
REVIEW_REASONS: tuple[str, ...] = get_args(ReviewReason)
INTENTS: tuple[str, ...] = get_args(Intent)
LISTED_STATUSES: tuple[str, ...] = tuple(s for s in get_args(LeadStatus) if s != "not_a_lead")
