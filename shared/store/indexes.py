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
    # /leads: mailbox ==, [status ==], [source ==], order by updated_at desc
    "leads_recent": ("leads", (("mailbox", "ASCENDING"), ("updated_at", "DESCENDING"))),
    "leads_status": (
        "leads",
        (("mailbox", "ASCENDING"), ("status", "ASCENDING"), ("updated_at", "DESCENDING")),
    ),
    "leads_source": (
        "leads",
        (("mailbox", "ASCENDING"), ("source", "ASCENDING"), ("updated_at", "DESCENDING")),
    ),
    # /leads?review=…: mailbox ==, needs_review ==, order by updated_at desc
    "leads_review": (
        "leads",
        (("mailbox", "ASCENDING"), ("needs_review", "ASCENDING"), ("updated_at", "DESCENDING")),
    ),
    "leads_status_source": (
        "leads",
        (
            ("mailbox", "ASCENDING"),
            ("status", "ASCENDING"),
            ("source", "ASCENDING"),
            ("updated_at", "DESCENDING"),
        ),
    ),
}

TTL_FIELDS = {"oauth_states": "expires_at", "locks": "expires_at", "quota_slots": "expires_at"}
