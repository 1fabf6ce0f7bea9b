"""``accounts/{mailbox}``: connection state, watched label, history cursor, watch expiry."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from google.cloud import firestore

from shared.errors import ConflictError
from shared.records import Account, AuditReport, State, from_stored
from shared.store.errors import store_errors
from shared.store.optimistic import retry_on_conflict, unchanged_since
from shared.types import JsonObject, Sdk

COLLECTION = "accounts"


def _account(data: JsonObject | None) -> Account:
    """An account from its stored document (its last audit a record too)."""
    stored = dict(data or {})
    if isinstance(stored.get("audit"), dict):
        stored["audit"] = from_stored(AuditReport, stored["audit"])
    return from_stored(Account, stored)


class AccountStore:
    """Reads and writes accounts; the cursor only moves forward, in a transaction."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def _ref(self, mailbox: str) -> Sdk:
        return self._db.collection(COLLECTION).document(mailbox.lower())

    def get(self, mailbox: str) -> Account | None:
        """The account, or None if the mailbox was never connected."""
        with store_errors("read account"):
            snap = self._ref(mailbox).get()
        if not snap.exists:
            return None
        return _account(snap.to_dict())

    def save(self, account: Account) -> None:
        """Create or replace the account document."""
        with store_errors("save account"):
            self._ref(account.mailbox).set(asdict(account))

    def claim(self, account: Account) -> Account | None:
        """Save ``account`` as its mailbox's connection unless another owner holds the
        mailbox (in any state but ``disconnected``): one guarded write (created if absent,
        else replaced only if unchanged since read), so of two binds racing one wins and
        the other re-reads and is refused. Returns the account it replaced (None: new).

        Raises:
            ConflictError: The mailbox is another user's.
        """
        ref = self._ref(account.mailbox)

        def attempt() -> Account | None:
            snap = ref.get()
            before = from_stored(Account, snap.to_dict() or {}) if snap.exists else None
            if before and before.owner != account.owner and before.state != "disconnected":
                raise ConflictError(
                    f"{account.mailbox} is connected by another user; they must disconnect it first"
                )
            if snap.exists:
                # every field of the account: update replaces the document's fields
                ref.update(asdict(account), option=unchanged_since(self._db, snap))
            else:
                ref.create(asdict(account))
            return before

        with store_errors("claim account"):
            return retry_on_conflict(attempt, "claim account")

    def record_audit(self, mailbox: str, report: AuditReport) -> None:
        """Keep ``report`` as the mailbox's last audit."""
        self.update(mailbox, audit=asdict(report))

    def update(self, mailbox: str, **fields: Sdk) -> None:
        """Merge fields into the account."""
        with store_errors("update account"):
            self._ref(mailbox).set(fields, merge=True)

    def flag_if_same_connection(self, account: Account, **fields: Sdk) -> bool:
        """Merge ``fields`` only if the mailbox is still on the connection ``account`` was
        read from (a reconnect in between wins) and nobody disconnected it (a disconnect in
        between wins: work still running on it never flags it); True if written."""
        ref = self._ref(account.mailbox)

        def attempt() -> bool:
            snap = ref.get()
            data = (snap.to_dict() or {}) if snap.exists else {}
            if (
                not snap.exists
                or data.get("connected_at") != account.connected_at
                or data.get("state") in ("disconnecting", "disconnected")
            ):
                return False
            ref.update(fields, option=unchanged_since(self._db, snap))
            return True

        with store_errors("flag account"):
            return retry_on_conflict(attempt, "flag account")

    def advance_cursor(self, mailbox: str, history_id: int, when: datetime) -> bool:
        """Move the history cursor to ``history_id`` if that is forward; True if it moved."""
        ref = self._ref(mailbox)

        def attempt() -> bool:
            snap = ref.get()
            current = int((snap.to_dict() or {}).get("history_id") or 0) if snap.exists else 0
            if history_id <= current:
                return False
            ref.update(
                {"history_id": history_id, "last_sync_at": when},
                option=unchanged_since(self._db, snap),
            )
            return True

        with store_errors("advance cursor"):
            return retry_on_conflict(attempt, "advance cursor")

    def connected(self) -> list[Account]:
        """Every account in the ``connected`` state."""
        return self.in_states("connected")

    def in_states(self, *states: State) -> list[Account]:
        """Every account in one of ``states``."""
        with store_errors("list accounts"):
            snaps = (
                self._db.collection(COLLECTION)
                .where(filter=firestore.FieldFilter("state", "in", list(states)))
                .stream()
            )
            return [_account(snap.to_dict()) for snap in snaps]

    def owned_by(self, user: str) -> list[Account]:
        """Accounts connected by ``user`` (the frontend only ever sees its own)."""
        with store_errors("list owned accounts"):
            snaps = (
                self._db.collection(COLLECTION)
                .where(filter=firestore.FieldFilter("owner", "==", user.lower()))
                .stream()
            )
            return [_account(snap.to_dict()) for snap in snaps]
