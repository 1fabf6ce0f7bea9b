"""Gmail's per-user quota (units per second, sliding window) and injected faults."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta

from infra.local.fake_google.state import Faults

# Units per user per second of projects first using Gmail since 1 May 2026 (6,000 a
# minute); older projects have 250 (15,000 a minute).
NEW_PROJECT_UNITS = 100
COST = {
    "messages.get": 5,
    "messages.list": 5,
    "history.list": 2,
    "labels.list": 1,
    "labels.get": 1,
    "getProfile": 1,
    "watch": 100,
    "stop": 50,
}


class QuotaLimiter:
    """Gmail's per-user rate limit as a token bucket: ``units`` per second, bursts up to two
    seconds' worth (Gmail describes a moving average that allows short bursts; a ``watch``
    costs 100 units, a whole second of a new project's quota)."""

    def __init__(self, units_per_second: int = NEW_PROJECT_UNITS) -> None:
        self.units = units_per_second
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, user: str, cost: int) -> bool:
        """Spend ``cost`` units for ``user``; False (nothing spent) if over the limit."""
        now = time.monotonic()
        with self._lock:
            burst = 2.0 * self.units
            tokens, at = self._buckets.get(user, (burst, now))
            tokens = min(burst, tokens + (now - at) * self.units)
            if tokens < cost:
                self._buckets[user] = (tokens, now)
                return False
            self._buckets[user] = (tokens - cost, now)
            return True


class Concurrency:
    """Requests of each user being served; Gmail refuses those beyond its per-user limit."""

    def __init__(self) -> None:
        self._busy: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, user: str, n: int, limit: int) -> int:
        """Start ``n`` requests (a batch's parts) of ``user``; returns how many of them fit
        under ``limit`` (0: no limit), the rest to be refused. Call :meth:`leave` after."""
        with self._lock:
            before = self._busy.get(user, 0)
            self._busy[user] = before + n
        return n if limit <= 0 else max(0, min(n, limit - before))

    def leave(self, user: str, n: int) -> None:
        """Finish ``n`` requests of ``user``."""
        with self._lock:
            self._busy[user] = max(0, self._busy.get(user, 0) - n)


class FaultInjector:
    """Decides, per call, whether to fail with 429 or 500 or to answer slowly."""

    def __init__(self, faults: Faults, seed: int = 7) -> None:
        self.faults = faults
        self._rng = random.Random(seed)  # noqa: S311 - test fault injection, not crypto
        self._lock = threading.Lock()

    def _roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._rng.random() < rate

    def failure(self, method: str = "") -> int | None:
        """429, 500 or None for this call of ``method`` (e.g. ``messages.get``)."""
        if self.faults.fail_methods and method not in self.faults.fail_methods:
            return None
        if self._roll(self.faults.rate_429):
            return 429
        if self._roll(self.faults.rate_500):
            return 500
        return None

    def maybe_sleep(self) -> None:
        """Sleep ``slow_ms`` on a share of calls."""
        if self.faults.slow_ms and self._roll(self.faults.slow_rate):
            time.sleep(self.faults.slow_ms / 1000)

    def drop_notification(self) -> bool:
        """True if this Gmail notification should be lost."""
        return self._roll(self.faults.drop_notifications)


# Workspace policy errors as Gmail words them: reason => (status, message)
POLICY_ERRORS = {
    "domainPolicy": (403, "The domain administrators have disabled Gmail apps."),
    "failedPrecondition": (400, "Mail service not enabled"),
    "insufficientPermissions": (403, "Request had insufficient authentication scopes."),
}


def policy_error(reason: str) -> tuple[int, dict[str, object]]:
    """The status and body of a Workspace policy error."""
    status, message = POLICY_ERRORS[reason]
    errors = [{"message": message, "domain": "global", "reason": reason}]
    return status, {"error": {"code": status, "message": message, "errors": errors}}


def _body(status: int, reason: str, domain: str, message: str, name: str) -> dict[str, object]:
    errors = [{"message": message, "domain": domain, "reason": reason}]
    return {"error": {"code": status, "message": message, "errors": errors, "status": name}}


def concurrency_error() -> dict[str, object]:
    """Gmail's answer to a part over the per-user concurrent-request limit (429)."""
    message = "Too many concurrent requests for user."
    return _body(429, "rateLimitExceeded", "global", message, "RESOURCE_EXHAUSTED")


def daily_limit_error() -> dict[str, object]:
    """The 403 of a project whose daily quota is spent (reset at midnight Pacific Time)."""
    message = "Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT)."
    return _body(403, "dailyLimitExceeded", "usageLimits", message, "PERMISSION_DENIED")


def gmail_error(status: int, retry_after_s: float = 0.0) -> dict[str, object]:
    """Gmail's JSON error body for ``status`` (429 ``rateLimitExceeded``, 500, 404, 401); a
    429 names when to retry, ``retry_after_s`` from now (0: a time already past)."""
    reasons = {
        429: (
            "rateLimitExceeded",
            "usageLimits",
            "User-rate limit exceeded.  Retry after 2026-01-01T00:00:01.000Z",
            "RESOURCE_EXHAUSTED",
        ),
        500: ("backendError", "global", "Backend Error", "INTERNAL"),
        404: ("notFound", "global", "Requested entity was not found.", "NOT_FOUND"),
        401: ("authError", "global", "Invalid Credentials", "UNAUTHENTICATED"),
        400: ("invalidArgument", "global", "Invalid argument", "INVALID_ARGUMENT"),
    }
    reason, domain, message, status_name = reasons.get(status, reasons[500])
    if status == 429 and retry_after_s > 0:
        at = datetime.now(UTC) + timedelta(seconds=retry_after_s)
        message = f"User-rate limit exceeded.  Retry after {at.isoformat()[:23]}Z"
    return _body(status, reason, domain, message, status_name)
