"""In-memory state of the fake Google: mailboxes, history, OAuth grants, faults."""

from __future__ import annotations

import base64
import email
import hashlib
import itertools
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

SYSTEM_LABELS = ("INBOX", "UNREAD", "SENT", "TRASH", "SPAM", "IMPORTANT")


@dataclass
class Message:
    """One stored email."""

    id: str
    thread_id: str
    raw: bytes
    label_ids: list[str]
    internal_date_ms: int
    history_id: int

    def header(self, name: str) -> str:
        """One header of the raw email (decoded only as far as ``email`` does by default)."""
        msg = email.message_from_bytes(self.raw)
        return str(msg.get(name, ""))

    def snippet(self) -> str:
        """A short plain preview of the body, like Gmail's."""
        msg = email.message_from_bytes(self.raw)
        part = next((p for p in msg.walk() if not p.is_multipart()), msg)
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        return " ".join(text.split())[:160]

    def raw_b64(self) -> str:
        """The email as base64url, as ``format=raw`` returns it."""
        return base64.urlsafe_b64encode(self.raw).decode()


@dataclass
class Mailbox:
    """One Gmail user."""

    address: str
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    # (history id, "messageAdded" | "labelAdded", message id, label ids added)
    history: list[tuple[int, str, str, list[str]]] = field(default_factory=list)
    history_id: int = 1000
    min_history_id: int = 1000
    watch: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in SYSTEM_LABELS:
            self.labels[name] = {"id": name, "name": name, "type": "system"}


@dataclass
class Faults:
    """Injected failures, each a probability per API call (0 disables)."""

    rate_429: float = 0.0
    rate_500: float = 0.0
    fail_methods: list[str] = field(default_factory=list)  # empty: every method may fail
    slow_rate: float = 0.0
    slow_ms: int = 0
    drop_notifications: float = 0.0
    enforce_quota: bool = True
    # Gmail sends at most one notification a second per user and drops the rest.
    notify_min_interval_s: float = 1.0
    retry_after_s: float = 0.0  # a 429 says "Retry after <now + this>" (0: a past time)
    blocked_reason: str = ""  # e.g. "domainPolicy": every call answers that policy error
    # Gmail refuses a user's requests beyond this many at once (batch parts count one each)
    # with 429 "Too many concurrent requests for user"; 0 disables.
    max_concurrent: int = 25
    latency_ms: int = 0  # how long a request (a whole batch) holds its concurrency slots
    daily_limit: bool = False  # every call answers 403 dailyLimitExceeded
    fail_ids: list[str] = field(default_factory=list)  # their raw or full get always fails
    # the token endpoint refuses the OAuth client: "invalid_client" (401) or
    # "unauthorized_client" (400), as Google does after a client secret is rotated
    token_error: str = ""
    # scopes the user granted this client earlier: Google lists them in the token response
    # too (``openid``, userinfo), beyond the ones this consent asked for
    granted_before: list[str] = field(default_factory=list)
    fail_status: int = 500  # how: 500 backendError (passing), 400 invalidArgument (the email's)


@dataclass
class FakeState:
    """Everything the fake Google holds; guarded by ``lock``."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)
    access_tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # -> (mailbox, exp)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # -> mailbox
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    consent_user: str | None = None
    consent_answer: str = "allow"  # "allow", "deny" (cancel) or "no_gmail" (scope unticked)
    faults: Faults = field(default_factory=Faults)
    counters: dict[str, int] = field(default_factory=dict)
    refresh_expiry: dict[str, float] = field(default_factory=dict)  # refresh token -> expiry
    _gaps: random.Random = field(default_factory=lambda: random.Random(11))  # noqa: S311
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(0x18C0000000))

    def count(self, key: str, n: int = 1) -> None:
        """Add to a named counter (calls, quota units, notifications)."""
        self.counters[key] = self.counters.get(key, 0) + n

    def mailbox(self, address: str) -> Mailbox:
        """The mailbox for ``address``, created on first use."""
        address = address.lower()
        if address not in self.mailboxes:
            self.mailboxes[address] = Mailbox(address=address)
        return self.mailboxes[address]

    def label_id(self, box: Mailbox, name: str) -> str:
        """Id of the user label ``name``, created if missing."""
        for label in box.labels.values():
            if label["name"] == name:
                return str(label["id"])
        label_id = f"Label_{len(box.labels) + 1}"
        box.labels[label_id] = {"id": label_id, "name": name, "type": "user"}
        return label_id

    def next_history_id(self, box: Mailbox) -> int:
        """Advance the mailbox's history id by 1 to 3: Gmail's ids rise with gaps."""
        box.history_id += 1 + self._gaps.randrange(3)
        return box.history_id

    def add_message(
        self, box: Mailbox, raw: bytes, label_ids: list[str], received_ms: int | None = None
    ) -> Message:
        """Store an email, record a ``messageAdded`` history entry and bump the history id.
        ``internalDate`` is when Gmail received it (now, unless seeded), not its Date header."""
        msg_id = format(next(self._ids), "x")
        self.next_history_id(box)
        parsed = email.message_from_bytes(raw)
        internal = received_ms if received_ms is not None else int(time.time() * 1000)
        thread = hashlib.sha1(str(parsed.get("Message-ID", msg_id)).encode()).hexdigest()[:16]  # noqa: S324
        msg = Message(msg_id, thread, raw, list(label_ids), internal, box.history_id)
        box.messages[msg_id] = msg
        box.history.append((box.history_id, "messageAdded", msg_id, list(label_ids)))
        return msg

    def add_labels(self, box: Mailbox, msg: Message, label_ids: list[str]) -> None:
        """Apply labels to a stored email, recording a ``labelAdded`` history entry."""
        new = [lid for lid in label_ids if lid not in msg.label_ids]
        if not new:
            return
        self.next_history_id(box)
        msg.label_ids.extend(new)
        msg.history_id = box.history_id
        box.history.append((box.history_id, "labelAdded", msg.id, new))

    def new_token(self, prefix: str) -> str:
        """A random opaque token."""
        return f"{prefix}-{secrets.token_urlsafe(24)}"
