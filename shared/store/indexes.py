"""Composite Firestore indexes the code's queries need (Terraform declares the same ones).

Each entry: collection and its fields in order. Single-field queries use Firestore's
automatic indexes and are not listed.
"""

from __future__ import annotations

INDEXES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # RetryStore.due: state == pending, next_attempt_at <= now, order by next_attempt_at
    "retries_due": ("retries", (("state", "ASCENDING"), ("next_attempt_at", "ASCENDING"))),
    # RetryStore.for_batch: batch_id ==, state in [...]
    "retries_batch": ("retries", (("batch_id", "ASCENDING"), ("state", "ASCENDING"))),
    # RetryStore.for_mailbox: mailbox ==, state ==
    "retries_mailbox": ("retries", (("mailbox", "ASCENDING"), ("state", "ASCENDING"))),
    # BatchStore.recent(mailbox=…): mailbox ==, order by created_at desc
    "batches_mailbox": ("batches", (("mailbox", "ASCENDING"), ("created_at", "DESCENDING"))),
    # BatchStore.history: mailbox ==, order by created_at desc (same index as above)
}
# /leads: mailbox ==, then any of status ==, source ==, needs_review ==, order by updated_at
# desc: one index per combination (LeadQueries.page).
_LEAD_FILTERS = ("status", "source", "needs_review")
for _mask in range(2 ** len(_LEAD_FILTERS)):
    _used = [f for i, f in enumerate(_LEAD_FILTERS) if _mask >> i & 1]
    INDEXES["leads_" + ("_".join(u.removeprefix("needs_") for u in _used) or "recent")] = (
        "leads",
        (
            ("mailbox", "ASCENDING"),
            *((f, "ASCENDING") for f in _used),
            ("updated_at", "DESCENDING"),
        ),
    )

TTL_FIELDS = {
    "oauth_states": "expires_at",
    "locks": "expires_at",
    "quota_slots": "expires_at",
    "raw_emails": "expires_at",  # kept raw emails, RAW_RETENTION_DAYS after they were stored
}
