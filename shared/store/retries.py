"""``retries/{mailbox}:{id}:{batch}``: the retry list. Failed emails wait here; none is dropped.

One entry per email and batch: an email that fails in two batches (a push batch, then a
manual one) has two entries, and each batch reaches its final state through its own.

States: ``pending`` (due at ``next_attempt_at``), ``parked`` (the mailbox needs re-consent),
``dead`` (gave up after the last attempt; visible, retried only on request), ``resolved``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from google.cloud import firestore

from shared.backoff import Backoff
from shared.records import Failure, RetryEntry, from_stored
from shared.store import counting
from shared.store.errors import store_errors
from shared.store.lead_records import message_key
from shared.store.optimistic import put, retry_on_conflict
from shared.types import Sdk
from shared.vocabulary import RetryState

COLLECTION = "retries"
# When a failed email is tried again: full jitter between 5 s and 30 s x 2^(attempts-1),
# capped at 1 h (the floor keeps a retry from running before the failure is recorded).
SCHEDULE = Backoff(base_s=30.0, cap_s=3600.0, floor_s=5.0)
# An email is not charged for a Gmail outage this long after its first failure: outages of
# hours are waited out, and ``dead`` stays for causes of the email itself.
OUTAGE_GRACE = timedelta(hours=72)


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Wait before the next attempt of an email that failed ``attempts`` times."""
    return timedelta(seconds=SCHEDULE.delay(max(0, attempts - 1), rng))


def entry_id(mailbox: str, gmail_id: str, batch_id: str) -> str:
    """Document id of an email's retry entry in one batch."""
    return f"{message_key(mailbox, gmail_id)}:{batch_id}"


class RetryStore:
    """Records failures and finds due retries."""

    def __init__(self, db: firestore.Client, max_attempts: int) -> None:
        self._db = db
        self.max_attempts = max_attempts

    def _ref(self, mailbox: str, gmail_id: str, batch_id: str) -> Sdk:
        return self._db.collection(COLLECTION).document(entry_id(mailbox, gmail_id, batch_id))

    def _entry_ref(self, entry: RetryEntry) -> Sdk:
        return self._ref(entry.mailbox, entry.message_id, entry.batch_id)

    def fail(
        self,
        mailbox: str,
        batch_id: str,
        chunk_id: str,
        failure: Failure,
        now: datetime,
        park: bool = False,
        *,
        owner: str,
        trigger: str = "retry",
    ) -> RetryState:
        """Count one more failed attempt of an email of ``owner``; returns the entry's state.
        A parked or throttled email is tried again later without counting an attempt, so
        Gmail's rate limits never make an email ``dead``."""
        ref = self._ref(mailbox, failure.gmail_id, batch_id)

        def attempt() -> RetryState:
            snap = ref.get()
            before = (snap.to_dict() or {}) if snap.exists else {}
            first = before.get("first_failed_at") or now
            waiting_out = failure.transient and now - first < OUTAGE_GRACE
            counts = not (park or failure.throttled or waiting_out)
            attempts = int(before.get("attempts", 0)) + counts
            dead = counts and attempts >= self.max_attempts
            state: RetryState = "parked" if park else ("dead" if dead else "pending")
            batch = self._db.batch()
            put(
                self._db,
                batch,
                ref,
                snap,
                {
                    "owner": owner,
                    "trigger": "reparse" if trigger == "reparse" else "retry",
                    "mailbox": mailbox,
                    "message_id": failure.gmail_id,
                    "batch_id": batch_id,
                    "chunk_id": chunk_id,
                    "state": state,
                    "error_class": failure.error_class,
                    "error": failure.message[:500],
                    "attempts": attempts,
                    "first_failed_at": first,
                    "next_attempt_at": max(
                        now + backoff(max(attempts, 1)), failure.not_before or now
                    ),
                    "updated_at": now,
                },
            )
            batch.commit()
            return state

        with store_errors("record failure"):
            return retry_on_conflict(attempt, "record failure")

    def resolve(self, mailbox: str, batch_id: str, gmail_ids: list[str], now: datetime) -> None:
        """Mark entries of emails of a batch that have now been processed as resolved (if any
        exist)."""
        refs = [self._ref(mailbox, i, batch_id) for i in gmail_ids]
        with store_errors("resolve retries"):
            for snap in self._db.get_all(refs, field_paths=["state"]):
                if snap.exists and (snap.to_dict() or {}).get("state") != "resolved":
                    snap.reference.update({"state": "resolved", "updated_at": now})

    def due(self, now: datetime, limit: int) -> list[RetryEntry]:
        """Pending entries whose next attempt is due, oldest first."""
        query = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("state", "==", "pending"))
            .where(filter=firestore.FieldFilter("next_attempt_at", "<=", now))
            .order_by("next_attempt_at")
            .limit(limit)
        )
        with store_errors("find due retries"):
            return [from_stored(RetryEntry, s.to_dict() or {}) for s in query.stream()]

    def for_batch(self, batch_id: str, states: tuple[str, ...]) -> list[RetryEntry]:
        """Entries of one batch in the given states."""
        query = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("batch_id", "==", batch_id))
            .where(filter=firestore.FieldFilter("state", "in", list(states)))
        )
        with store_errors("read batch retries"):
            return [from_stored(RetryEntry, s.to_dict() or {}) for s in query.stream()]

    def next_mailbox(self, state: str, after: str | None) -> str | None:
        """The first mailbox after ``after`` (in address order) with an entry in ``state``:
        one read however many entries each mailbox has, so the mailboxes with parked work
        are walked one by one instead of paging through every parked entry."""
        query = self._db.collection(COLLECTION).where(
            filter=firestore.FieldFilter("state", "==", state)
        )
        if after is not None:
            query = query.where(filter=firestore.FieldFilter("mailbox", ">", after))
        query = query.order_by("mailbox").limit(1).select(["mailbox"])
        with store_errors("read retries"):
            found = [str((s.to_dict() or {}).get("mailbox")) for s in query.stream()]
        return found[0] if found else None

    def for_mailbox(self, mailbox: str, state: str) -> list[RetryEntry]:
        """Entries of one mailbox in one state (e.g. ``parked``)."""
        query = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("state", "==", state))
        )
        with store_errors("read mailbox retries"):
            return [from_stored(RetryEntry, s.to_dict() or {}) for s in query.stream()]

    def count(self, mailbox: str, state: str) -> int:
        """How many entries of one mailbox are in one state (an aggregation: cheap)."""
        query: Sdk = (
            self._db.collection(COLLECTION)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
            .where(filter=firestore.FieldFilter("state", "==", state))
        )
        with store_errors("count mailbox retries"):
            return counting.count(query)

    def parked(self, entries: list[RetryEntry], now: datetime) -> None:
        """Entries of a mailbox that is not connected: out of the due list until it is."""
        with store_errors("park retries"):
            for entry in entries:
                self._entry_ref(entry).update({"state": "parked", "updated_at": now})

    def requeued(self, entries: list[RetryEntry], until: datetime) -> None:
        """Entries handed back to processing: pending, not due again before ``until``."""
        with store_errors("requeue retries"):
            for entry in entries:
                self._entry_ref(entry).update({"state": "pending", "next_attempt_at": until})
