"""In-memory repositories with the semantics the use cases rely on (not Firestore's)."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from shared.batch_figures import FINAL, BatchSummary, StuckChunk
from shared.errors import ConflictError, NotFoundError, QuotaBusyError, ValidationError
from shared.parsing import Lead
from shared.records import (
    Account,
    AuditReport,
    BatchEmail,
    EmailRecord,
    Failure,
    Grant,
    Pending,
    RetryEntry,
    State,
    from_stored,
)
from shared.store.lead_records import dedup_keys, unrecognised_fields
from shared.store.locks import LockHeldError
from shared.store.pending import TTL as PENDING_TTL
from shared.store.retries import OUTAGE_GRACE
from shared.types import JsonObject
from shared.vocabulary import Correction, Outcomes, RetryState


class Accounts:
    """Accounts by mailbox; ``get`` hands out copies, as a store read does."""

    def __init__(self, *accounts: Account) -> None:
        self.rows = {a.mailbox: dataclasses.replace(a) for a in accounts}

    def get(self, mailbox: str) -> Account | None:
        row = self.rows.get(mailbox)
        return dataclasses.replace(row) if row else None

    def save(self, account: Account) -> None:
        self.rows[account.mailbox] = dataclasses.replace(account)

    def claim(self, account: Account) -> Account | None:
        before = self.rows.get(account.mailbox)
        if before and before.owner != account.owner and before.state != "disconnected":
            raise ConflictError(f"{account.mailbox} is connected by another user")
        self.save(account)
        return dataclasses.replace(before) if before else None

    def record_audit(self, mailbox: str, report: AuditReport) -> None:
        self.rows[mailbox].audit = report

    def update(self, mailbox: str, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.rows[mailbox], name, value)

    def flag_if_same_connection(self, account: Account, **fields: Any) -> bool:
        row = self.rows.get(account.mailbox)
        if row is None or row.connected_at != account.connected_at:
            return False
        if row.state in ("disconnecting", "disconnected"):
            return False
        self.update(account.mailbox, **fields)
        return True

    def advance_cursor(self, mailbox: str, history_id: int, when: datetime) -> bool:
        row = self.rows[mailbox]
        if history_id < row.history_id:
            return False
        row.history_id, row.last_sync_at = history_id, when
        return True

    def connected(self) -> list[Account]:
        return self.in_states("connected")

    def in_states(self, *states: State) -> list[Account]:
        return [dataclasses.replace(a) for a in self.rows.values() if a.state in states]

    def owned_by(self, user: str) -> list[Account]:
        return [dataclasses.replace(a) for a in self.rows.values() if a.owner == user]


@dataclasses.dataclass
class _Batch:
    batch_id: str
    mailbox: str
    trigger: str
    owner: str
    chunks: dict[str, list[str]]
    created_at: datetime
    outcomes: dict[str, Outcomes] = dataclasses.field(default_factory=dict)
    started_at: datetime | None = None


class Batches:
    """Batches with their chunks' planned ids, outcomes and follower markers."""

    def __init__(self) -> None:
        self.rows: dict[str, _Batch] = {}
        self.markers: dict[tuple[str, str], str] = {}

    def create(
        self,
        batch_id: str,
        mailbox: str,
        trigger: str,
        chunks: dict[str, list[str]],
        now: datetime,
        owner: str,
    ) -> bool:
        if batch_id in self.rows:
            return False
        self.rows[batch_id] = _Batch(batch_id, mailbox, trigger, owner, dict(chunks), now)
        return True

    def chunk_ids(self, batch_id: str, chunk_id: str) -> list[str]:
        batch = self.rows.get(batch_id)
        return list(batch.chunks.get(chunk_id, [])) if batch else []

    def claim_send(self, batch_id: str, chunk_id: str) -> bool:
        if (batch_id, chunk_id) in self.markers:
            return False
        self.markers[(batch_id, chunk_id)] = "claimed"
        return True

    def sent(self, batch_id: str, chunk_id: str) -> None:
        self.markers[(batch_id, chunk_id)] = "sent"

    def release_send(self, batch_id: str, chunk_id: str) -> None:
        self.markers.pop((batch_id, chunk_id), None)

    def _left(self, batch: _Batch) -> dict[str, list[str]]:
        return {
            c: [i for i in ids if batch.outcomes.get(c, {}).get(i) not in FINAL]
            for c, ids in batch.chunks.items()
        }

    def stuck(self, quiet_since: datetime, now: datetime, pages: int) -> list[StuckChunk]:
        return [
            StuckChunk(b.batch_id, c, b.trigger, ids, b.mailbox)
            for b in self.rows.values()
            if b.created_at < quiet_since
            for c, ids in self._left(b).items()
            if ids
        ]

    def _open(self, mailbox: str) -> list[_Batch]:
        return [
            b for b in self.rows.values() if b.mailbox == mailbox and any(self._left(b).values())
        ]

    def in_flight(self, mailbox: str) -> tuple[int, set[str]]:
        batches = self._open(mailbox)
        return sum(len(i) for b in batches for i in self._left(b).values()), {
            b.batch_id for b in batches
        }

    def planned_ids(self, batch_ids: set[str]) -> set[str]:
        return {i for b in batch_ids for ids in self.rows[b].chunks.values() for i in ids}

    def stuck_count(self, mailbox: str) -> int:
        return 0

    def active(self, owner: str, mailbox: str, limit: int) -> list[str]:
        return [b.batch_id for b in self._open(mailbox) if b.owner == owner][:limit]

    def record(
        self,
        batch_id: str,
        chunk_id: str,
        outcomes: Outcomes,
        now: datetime,
        *,
        started: datetime | None = None,
    ) -> None:
        batch = self.rows.get(batch_id) or _Batch(batch_id, "", "", "", {}, now)
        self.rows[batch_id] = batch  # a chunk's figures are kept even without its batch
        batch.chunks.setdefault(chunk_id, list(outcomes))
        batch.outcomes[chunk_id] = dict(outcomes)
        if started and (batch.started_at is None or started < batch.started_at):
            batch.started_at = started

    def recorded(self, batch_id: str, chunk_id: str) -> set[str]:
        batch = self.rows.get(batch_id)
        return set(batch.outcomes.get(chunk_id, {})) if batch else set()

    def summary(self, batch_id: str) -> BatchSummary | None:
        b = self.rows.get(batch_id)
        if b is None:
            return None
        counts = Counter[str](o for outcomes in b.outcomes.values() for o in outcomes.values())
        total = sum(len(ids) for ids in b.chunks.values())
        return BatchSummary(
            b.batch_id, b.mailbox, b.owner, b.trigger, total, b.created_at, dict(counts)
        )

    def recent(self, limit: int, mailbox: str | None = None) -> list[JsonObject]:
        return []

    def history(
        self, owner: str, mailbox: str, limit: int, cursor: str | None
    ) -> tuple[list[JsonObject], int, str | None]:
        return [], 0, None


class Leads:
    """Records by (mailbox, id) and leads by owner, merged on a shared dedup key."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], JsonObject] = {}
        self.leads: dict[str, JsonObject] = {}
        self.raws: dict[tuple[str, str], bytes] = {}
        self._ids = itertools.count(1)
        self._clock = itertools.count(1)  # processing order (the store's processed_at)

    def _lead_for(self, lead: Lead, owner: str) -> tuple[str, str]:
        keys = set(dedup_keys(lead))
        for lead_id, row in self.leads.items():
            if row["owner"] == owner and keys & row["keys"]:
                row["keys"] |= keys
                row["inquiries"] += 1
                return lead_id, "merged"
        lead_id = f"lead-{next(self._ids)}"
        self.leads[lead_id] = {"owner": owner, "keys": keys, "inquiries": 1}
        return lead_id, "lead"

    def store(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord:
        mailbox, gmail_id = email.mailbox, email.gmail_id
        batch_id, owner = email.batch_id, email.owner
        found = self.records.get((mailbox, gmail_id))
        if found:
            return from_stored(EmailRecord, found)
        return self._write(mailbox, gmail_id, lead, raw, batch_id, owner)

    def _write(
        self, mailbox: str, gmail_id: str, lead: Lead, raw: bytes, batch_id: str, owner: str
    ) -> EmailRecord:
        lead_id, outcome = self._lead_for(lead, owner) if lead.is_lead else (None, "not_lead")
        self.records[(mailbox, gmail_id)] = {
            "outcome": outcome,
            "lead_id": lead_id,
            "batch_id": batch_id,
            "owner": owner,
            "gmail_id": gmail_id,
            "parser_version": lead.parser_version,
            "limits_hit": list(lead.limits_hit),
            "review_reasons": list(lead.review_reasons),
            "inquiry_at": lead.inquiry_at,
            "processed_at": next(self._clock),
            **unrecognised_fields(lead, raw),
        }
        if raw:
            self.raws[(mailbox, gmail_id)] = raw
        return EmailRecord(outcome, lead_id, batch_id)  # type: ignore[arg-type]

    def reparse(self, email: BatchEmail, lead: Lead, raw: bytes, now: datetime) -> EmailRecord:
        mailbox, gmail_id = email.mailbox, email.gmail_id
        batch_id, owner = email.batch_id, email.owner
        before = self.records.pop((mailbox, gmail_id), {})
        stored = self._write(mailbox, gmail_id, lead, raw, batch_id, owner)
        if "correction" in before:  # a person's word outlives every re-parse
            self.records[(mailbox, gmail_id)]["correction"] = before["correction"]
            if before["correction"] == "not_lead" and not lead.is_lead:
                self.records[(mailbox, gmail_id)]["needs_review"] = False
        return stored

    def raw(self, mailbox: str, gmail_id: str) -> bytes | None:
        return self.raws.get((mailbox, gmail_id))

    def existing(self, mailbox: str, ids: list[str]) -> dict[str, EmailRecord]:
        found = [(i, self.records.get((mailbox, i))) for i in ids]
        return {i: from_stored(EmailRecord, rec) for i, rec in found if rec is not None}

    def correct(
        self, mailbox: str, gmail_id: str, owner: str, truth: Correction, now: datetime
    ) -> str:
        rec = self.records.get((mailbox, gmail_id))
        if rec is None or rec["owner"] != owner:
            raise NotFoundError("no processed email with this id in this mailbox")
        rec["correction"] = truth
        if truth == "not_lead" and rec["outcome"] == "not_lead":
            rec["needs_review"] = False
        return str(rec["outcome"])

    def hand_over(self, mailbox: str, owner: str, *, force: bool = False) -> int:
        moved = [k for k, r in self.records.items() if k[0] == mailbox and r["owner"] != owner]
        for key in moved:
            self.records.pop(key)
        return len(moved)

    def erase(self, owner: str, lead_id: str, lead: JsonObject) -> int:
        return 0

    def recorded_count(self, mailbox: str, owner: str) -> int:
        return sum(1 for (m, _), r in self.records.items() if m == mailbox and r["owner"] == owner)

    def _waiting(self, mailbox: str, owner: str) -> list[JsonObject]:
        rows = [
            r
            for (m, _), r in self.records.items()
            if m == mailbox
            and r["owner"] == owner
            and r["outcome"] == "not_lead"
            and r.get("needs_review") is True
        ]
        return sorted(rows, key=lambda r: r["processed_at"], reverse=True)

    def unrecognised_count(self, mailbox: str, owner: str) -> int:
        return len(self._waiting(mailbox, owner))

    def unrecognised(
        self, mailbox: str, owner: str, limit: int, after: str | None
    ) -> tuple[list[JsonObject], str | None]:
        rows = self._waiting(mailbox, owner)
        if after is not None:
            found = self.records.get((mailbox, after))
            if found is None or found["owner"] != owner:
                raise NotFoundError("unknown cursor")
            rows = [r for r in rows if r["processed_at"] < found["processed_at"]]
        more = len(rows) > limit
        return rows[:limit], (str(rows[limit - 1]["gmail_id"]) if more else None)


class Retries:
    """The retry list with the store's rules: parking and throttling count no attempt."""

    def __init__(self, max_attempts: int = 5) -> None:
        self.max_attempts = max_attempts
        self.rows: dict[tuple[str, str, str], JsonObject] = {}

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
        key = (mailbox, failure.gmail_id, batch_id)
        first = self.rows.get(key, {}).get("first_failed_at") or now
        waiting_out = failure.transient and now - first < OUTAGE_GRACE
        counts = not (park or failure.throttled or waiting_out)
        attempts = int(self.rows.get(key, {}).get("attempts", 0)) + counts
        dead = counts and attempts >= self.max_attempts
        state: RetryState = "parked" if park else ("dead" if dead else "pending")
        self.rows[key] = {
            "owner": owner,
            "trigger": "reparse" if trigger == "reparse" else "retry",
            "mailbox": mailbox,
            "message_id": failure.gmail_id,
            "batch_id": batch_id,
            "chunk_id": chunk_id,
            "state": state,
            "error_class": failure.error_class,
            "error": failure.message,
            "attempts": attempts,
            "first_failed_at": first,
            "next_attempt_at": max(now + timedelta(seconds=5), failure.not_before or now),
        }
        return state

    def resolve(self, mailbox: str, batch_id: str, gmail_ids: list[str], now: datetime) -> None:
        for gmail_id in gmail_ids:
            if (mailbox, gmail_id, batch_id) in self.rows:
                self.rows[(mailbox, gmail_id, batch_id)]["state"] = "resolved"

    def _where(self, **match: object) -> list[RetryEntry]:
        rows = [r for r in self.rows.values() if all(r[k] == v for k, v in match.items())]
        return [from_stored(RetryEntry, r) for r in rows]

    def due(self, now: datetime, limit: int) -> list[RetryEntry]:
        due = [e for e in self._where(state="pending") if (e.next_attempt_at or now) <= now]
        return sorted(due, key=lambda e: e.next_attempt_at or now)[:limit]

    def for_batch(self, batch_id: str, states: tuple[str, ...]) -> list[RetryEntry]:
        return [e for e in self._where(batch_id=batch_id) if e.state in states]

    def next_mailbox(self, state: str, after: str | None) -> str | None:
        boxes = sorted({e.mailbox for e in self._where(state=state)})
        return next((m for m in boxes if after is None or m > after), None)

    def for_mailbox(self, mailbox: str, state: str) -> list[RetryEntry]:
        return self._where(mailbox=mailbox, state=state)

    def count(self, mailbox: str, state: str) -> int:
        return len(self.for_mailbox(mailbox, state))

    def parked(self, entries: list[RetryEntry], now: datetime) -> None:
        for e in entries:
            self.rows[(e.mailbox, e.message_id, e.batch_id)]["state"] = "parked"

    def requeued(self, entries: list[RetryEntry], until: datetime) -> None:
        for e in entries:
            row = self.rows[(e.mailbox, e.message_id, e.batch_id)]
            row["state"], row["next_attempt_at"] = "pending", until


class Leases:
    """Leases held in this process only."""

    def __init__(self) -> None:
        self.held: set[str] = set()

    @contextmanager
    def hold(self, name: str, ttl: timedelta) -> Iterator[str]:
        if name in self.held:
            raise LockHeldError(f"{name} is held")
        self.held.add(name)
        try:
            yield name
        finally:
            self.held.discard(name)


class Quota:
    """Hands out every block at once (``busy``: none), recording what was asked."""

    def __init__(self, block_units: int = 25) -> None:
        self.block_units = block_units
        self.asked: list[tuple[str, int]] = []
        self.busy = False

    def acquire(self, mailbox: str, units: int, max_wait_s: float | None = None) -> float:
        if self.busy:
            raise QuotaBusyError("no block free")
        self.asked.append((mailbox, units))
        return 0.0


class Pendings:
    """Pending connections, taken once."""

    def __init__(self) -> None:
        self.rows: dict[str, Pending] = {}
        self.expires: dict[str, datetime] = {}

    def create(self, pending: Pending, now: datetime) -> None:
        self.rows[pending.id] = pending
        self.expires[pending.id] = now + PENDING_TTL

    def take(self, pending_id: str, now: datetime) -> Pending | None:
        found = self.rows.pop(pending_id, None)
        if found is None:
            return None
        return dataclasses.replace(found, expired=self.expires[pending_id] <= now)

    def expired(self, now: datetime, limit: int) -> list[Pending]:
        old = [i for i, at in self.expires.items() if at <= now and i in self.rows][:limit]
        return [dataclasses.replace(self.rows[i], expired=True) for i in old]

    def drop(self, pending_id: str) -> None:
        self.rows.pop(pending_id, None)


class OAuthStates:
    """OAuth states: bound to a browser, used once, ten minutes long."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def create(
        self, state: str, user: str, code_verifier: str, now: datetime, browser_hash: str = ""
    ) -> None:
        self.rows[state] = {"grant": Grant(user, code_verifier), "browser": browser_hash}
        self.rows[state] |= {"until": now + timedelta(minutes=10), "used": False}

    def consume(self, state: str, now: datetime, browser_hash: str) -> Grant:
        row = self.rows.get(state)
        if row is not None and row["browser"] != browser_hash:
            raise ValidationError("this consent was not started in this browser")
        if row is None or row["used"] or row["until"] <= now:
            raise ValidationError("OAuth state is unknown, used or expired")
        row["used"] = True
        return Grant(row["grant"].user, row["grant"].code_verifier)
