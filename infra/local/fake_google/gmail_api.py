"""Gmail v1 REST subset, as a dispatcher shared by plain routes and the batch endpoint."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs

from infra.local.fake_google.gmail_queries import history_page, list_page, message_resource
from infra.local.fake_google.quota import (
    COST,
    NEW_PROJECT_UNITS,
    Concurrency,
    FaultInjector,
    QuotaLimiter,
    concurrency_error,
    daily_limit_error,
    gmail_error,
    policy_error,
)
from infra.local.fake_google.state import FakeState, Mailbox

Response = tuple[int, dict[str, Any] | None]
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/profile$"), "getProfile"),
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/labels$"), "labels.list"),
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/labels/([^/]+)$"), "labels.get"),
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/messages$"), "messages.list"),
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/messages/([^/]+)$"), "messages.get"),
    ("GET", re.compile(r"^/gmail/v1/users/([^/]+)/history$"), "history.list"),
    ("POST", re.compile(r"^/gmail/v1/users/([^/]+)/watch$"), "watch"),
    ("POST", re.compile(r"^/gmail/v1/users/([^/]+)/stop$"), "stop"),
]
WATCH_DAYS = 7


class GmailApi:
    """Answers Gmail API calls against :class:`FakeState`, with quota and faults."""

    def __init__(self, state: FakeState, units_per_second: int = NEW_PROJECT_UNITS) -> None:
        self.state = state
        self.quota = QuotaLimiter(units_per_second)
        self.faults = FaultInjector(state.faults)
        self.concurrency = Concurrency()

    def user_of(self, auth: str) -> str:
        """The address an ``Authorization`` header acts for ("" if none)."""
        with self.state.lock:
            owner = self._owner(auth)
        return owner[0] if owner else ""

    def over_limit(self) -> Response:
        """A request refused by the per-user concurrent-request limit."""
        with self.state.lock:
            self.state.count("errors.429_concurrent")
        return 429, concurrency_error()

    def serve(
        self, method: str, path: str, query: str, body: dict[str, Any], auth: str
    ) -> Response:
        """One plain (non-batch) request: it holds one of the user's concurrency slots."""
        user = self.user_of(auth)
        fits = self.concurrency.enter(user, 1, self.state.faults.max_concurrent)
        try:
            if not fits:
                return self.over_limit()
            answer = self.handle(method, path, query, body, auth)
            time.sleep(self.state.faults.latency_ms / 1000)
            return answer
        finally:
            self.concurrency.leave(user, 1)

    def _owner(self, auth: str) -> tuple[str, float] | None:
        """The (address, expiry) an ``Authorization`` header's access token belongs to."""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        return self.state.access_tokens.get(token)

    def _user(self, auth: str, user_id: str) -> Mailbox | None:
        owner = self._owner(auth)
        if owner is None or owner[1] < time.time():
            return None
        box = self.state.mailboxes.get(owner[0])
        if box is None or user_id not in ("me", box.address):
            return None
        return box

    def handle(
        self, method: str, path: str, query: str, body: dict[str, Any], auth: str
    ) -> Response:
        """Dispatch one API call; returns ``(status, json body or None)``."""
        found = next(
            (
                (name, m)
                for verb, pattern, name in _ROUTES
                if verb == method and (m := pattern.match(path))
            ),
            None,
        )
        if found is None:
            return 404, gmail_error(404)
        name, match = found
        args = parse_qs(query)
        with self.state.lock:
            box = self._user(auth, match.group(1))
            if box is None:
                return 401, gmail_error(401)
            self.state.count(f"calls.{name}")
            faults = self.state.faults
            if faults.blocked_reason and name in (faults.fail_methods or [name]):
                self.state.count("errors.policy")
                return policy_error(faults.blocked_reason)
            if faults.daily_limit:
                self.state.count("errors.403_daily")
                return 403, daily_limit_error()
            failure = self.faults.failure(name)
            if (
                failure is None
                and self.state.faults.enforce_quota
                and not self.quota.take(box.address, COST.get(name, 1))
            ):
                failure = 429
            if failure is not None:
                self.state.count(f"errors.{failure}")
                return failure, gmail_error(failure, self.state.faults.retry_after_s)
            self.state.count("quota_units", COST.get(name, 1))
        self.faults.maybe_sleep()
        with self.state.lock:
            return self._call(name, box, match.groups()[1:], args, body)

    def _call(
        self,
        name: str,
        box: Mailbox,
        ids: tuple[str, ...],
        args: dict[str, list[str]],
        body: dict[str, Any],
    ) -> Response:
        if name == "getProfile":
            return 200, {
                "emailAddress": box.address,
                "messagesTotal": len(box.messages),
                "threadsTotal": len(box.messages),
                "historyId": str(box.history_id),
            }
        if name == "labels.list":
            return 200, {"labels": [dict(lbl) for lbl in box.labels.values()]}
        if name == "labels.get":
            label = box.labels.get(ids[0])
            if label is None:
                return 404, gmail_error(404)
            inside = [m for m in box.messages.values() if ids[0] in m.label_ids]
            unread = sum(1 for m in inside if "UNREAD" in m.label_ids)
            return 200, {
                **label,
                "messagesTotal": len(inside),
                "messagesUnread": unread,
                "threadsTotal": len(inside),
                "threadsUnread": unread,
            }
        if name == "messages.list":
            return 200, list_page(box, args)
        if name == "messages.get":
            msg = box.messages.get(ids[0])
            if msg is None:
                return 404, gmail_error(404)
            fmt = args.get("format", ["full"])[0]
            if msg.id in self.state.faults.fail_ids and fmt in ("raw", "full"):
                status = self.state.faults.fail_status  # a poison email: its content fails
                self.state.count(f"errors.{status}")
                return status, gmail_error(status)
            self.state.count(f"read.{fmt}")  # which parts of the mail were read
            return 200, message_resource(msg, fmt, args.get("metadataHeaders", []))
        if name == "history.list":
            return history_page(box, args)
        if name == "watch":
            box.watch = {
                "topicName": body.get("topicName"),
                "labelIds": body.get("labelIds") or [],
                "expiration": int((time.time() + WATCH_DAYS * 86400) * 1000),
            }
            return 200, {
                "historyId": str(box.history_id),
                "expiration": str(box.watch["expiration"]),
            }
        box.watch = None  # stop
        return 204, None
