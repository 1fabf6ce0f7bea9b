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
    # RetryStore.next_mailbox: state ==, mailbox >, order by mailbox (one per mailbox)
    "retries_state_mailbox": ("retries", (("state", "ASCENDING"), ("mailbox", "ASCENDING"))),
    # RetryStore.for_mailbox: mailbox ==, state ==
    "retries_mailbox": ("retries", (("mailbox", "ASCENDING"), ("state", "ASCENDING"))),
    # BatchStore.recent(mailbox=…): mailbox ==, order by created_at desc
    "batches_mailbox": ("batches", (("mailbox", "ASCENDING"), ("created_at", "DESCENDING"))),
    # BatchStore.history: owner ==, mailbox == (its count), order by created_at desc (its page)
    "batches_owner_count": ("batches", (("owner", "ASCENDING"), ("mailbox", "ASCENDING"))),
    "batches_owner": (
        "batches",
        (("owner", "ASCENDING"), ("mailbox", "ASCENDING"), ("created_at", "DESCENDING")),
    ),
    # open_batches.stale: open ==, progress_us < (order by it): the stuck-batch sweep
    "batches_open": ("batches", (("open", "ASCENDING"), ("progress_us", "ASCENDING"))),
    # open_batches.stuck_count: mailbox ==, open ==, stuck == (health, an aggregation)
    "batches_stuck": (
        "batches",
        (("mailbox", "ASCENDING"), ("open", "ASCENDING"), ("stuck", "ASCENDING")),
    ),
    # open_batches.of_mailbox: mailbox ==, open == (the audit's in-flight count)
    "batches_mailbox_open": ("batches", (("mailbox", "ASCENDING"), ("open", "ASCENDING"))),
    # open_batches.active: owner ==, mailbox ==, open ==, order by created_at desc
    "batches_active": (
        "batches",
        (
            ("owner", "ASCENDING"),
            ("mailbox", "ASCENDING"),
            ("open", "ASCENDING"),
            ("created_at", "DESCENDING"),
        ),
    ),
    # LeadQueries.recorded_count / processed_ids: mailbox ==, owner == (an owner's records)
    "messages_mailbox_owner": ("messages", (("mailbox", "ASCENDING"), ("owner", "ASCENDING"))),
    # ownership._set_aside: mailbox ==, owner !=, newest key first (the descending cursor)
    "messages_mailbox_owner_desc": (
        "messages",
        (("mailbox", "ASCENDING"), ("owner", "DESCENDING")),
    ),
    # ownership.hand_over: mailbox ==, owner ==, handed_over == (a mailbox handed back)
    "messages_handed_back": (
        "messages",
        (("mailbox", "ASCENDING"), ("owner", "ASCENDING"), ("handed_over", "ASCENDING")),
    ),
    # ownership._tombstone: owner ==, lead_ids array-contains (every key naming a lead)
    "lead_keys_lead": ("lead_keys", (("owner", "ASCENDING"), ("lead_ids", "CONTAINS"))),
    # LeadQueries.unrecognised / unrecognised_count: mailbox ==, owner ==, outcome ==,
    # needs_review ==, order by processed_at desc (the emails a person is asked about)
    "messages_review": (
        "messages",
        (
            ("mailbox", "ASCENDING"),
            ("owner", "ASCENDING"),
            ("outcome", "ASCENDING"),
            ("needs_review", "ASCENDING"),
            ("processed_at", "DESCENDING"),
        ),
    ),
    "messages_review_count": (
        "messages",
        (
            ("mailbox", "ASCENDING"),
            ("owner", "ASCENDING"),
            ("outcome", "ASCENDING"),
            ("needs_review", "ASCENDING"),
        ),
    ),
    # LeadQueries.inquiries: owner ==, lead_id ==, order by inquiry_at desc
    "messages_lead": (
        "messages",
        (("owner", "ASCENDING"), ("lead_id", "ASCENDING"), ("inquiry_at", "DESCENDING")),
    ),
}
# /leads (lead_pages.py): owner ==, status == or in, then any of source ==, needs_review ==,
# mailboxes array-contains, in one of the four orders: one index per combination and order.
_ORDERS = (
    ("updated_at", "DESCENDING"),
    ("last_inquiry_at", "DESCENDING"),
    ("created_at", "DESCENDING"),
    ("sort_name", "ASCENDING"),
)
_LEAD_FILTERS = (("source", "ASCENDING"), ("needs_review", "ASCENDING"))
for _mask in range(2 ** (len(_LEAD_FILTERS) + 1)):
    _used = [f for i, f in enumerate(_LEAD_FILTERS) if _mask >> i & 1]
    _in_mailbox = bool(_mask >> len(_LEAD_FILTERS) & 1)
    _mailbox = (("mailboxes", "CONTAINS"),) if _in_mailbox else ()
    _name = "_".join(["status", *(f.removeprefix("needs_") for f, _ in _used)])
    _name += "_mailbox" if _in_mailbox else ""
    for _order in _ORDERS:
        _suffix = "" if _order[0] == "updated_at" else "_by_" + _order[0].removesuffix("_at")
        INDEXES[f"leads_{_name}{_suffix}"] = (
            "leads",
            (("owner", "ASCENDING"), ("status", "ASCENDING"), *_used, *_mailbox, _order),
        )
    # /leads/counts: the same equality filters, counted (an aggregation, no order)
    if len(_used) + _in_mailbox == 1:
        INDEXES[f"leads_count_{_name}"] = (
            "leads",
            (("owner", "ASCENDING"), ("status", "ASCENDING"), *_used, *_mailbox),
        )
INDEXES["leads_count_status"] = ("leads", (("owner", "ASCENDING"), ("status", "ASCENDING")))
# /leads?q=: owner ==, status == or in, then any of source ==, needs_review ==, one search
# key (array-contains), in one of the four orders (the mailbox is checked on what is read)
for _mask in range(2 ** len(_LEAD_FILTERS)):
    _used = [f for i, f in enumerate(_LEAD_FILTERS) if _mask >> i & 1]
    _name = "_".join(["search", *(f.removeprefix("needs_") for f, _ in _used)])
    for _order in _ORDERS:
        _suffix = "" if _order[0] == "updated_at" else "_by_" + _order[0].removesuffix("_at")
        INDEXES[f"leads_{_name}{_suffix}"] = (
            "leads",
            (
                ("owner", "ASCENDING"),
                ("status", "ASCENDING"),
                *_used,
                ("search_keys", "CONTAINS"),
                _order,
            ),
        )

TTL_FIELDS = {
    "oauth_states": "expires_at",
    "pending_connections": "purge_at",  # a day after expires_at: the purge deletes first
    "locks": "expires_at",
    "quota_slots": "expires_at",
    "raw_emails": "expires_at",  # kept raw emails, RAW_RETENTION_DAYS after they were stored
}
