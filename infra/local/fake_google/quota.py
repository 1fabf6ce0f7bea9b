"""Gmail's per-user quota (units per second, sliding window) and injected faults."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta

from infra.local.fake_google.state import Faults

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
    """Gmail's per-user rate limit as a token bucket: ``units`` per second, bursts up to
    ``units`` (Gmail describes the limit as a moving average that allows short bursts)."""

    def __init__(self, units_per_second: int = 250) -> None:
        self.units = units_per_second
        self._buckets: dict[str, tuple[float, float]] = {}  # user -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, user: str, cost: int) -> bool:
        """Spend ``cost`` units for ``user``; False (nothing spent) if over the limit."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(user, (float(self.units), now))
            tokens = min(float(self.units), tokens + (now - at) * self.units)
            if tokens < cost:
                self._buckets[user] = (tokens, now)
                return False
            self._buckets[user] = (tokens - cost, now)
            return True


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
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
            "status": status_name,
        }
    }
