"""The one retry policy: full jitter within its bounds, attempts counted, last error raised."""

from __future__ import annotations

import random

import pytest

from shared.backoff import Backoff
from shared.store.retries import backoff


def test_full_jitter_stays_within_floor_and_doubling_ceiling() -> None:
    policy, rng = Backoff(base_s=1.0, cap_s=8.0), random.Random(3)
    for n, ceiling in enumerate([1, 2, 4, 8, 8, 8]):
        waits = [policy.delay(n, rng) for _ in range(2000)]
        assert 0 <= min(waits) < ceiling * 0.05  # full jitter reaches down to the floor (0)
        assert ceiling * 0.95 < max(waits) <= ceiling


def test_stored_retry_schedule_has_a_floor_and_a_cap() -> None:
    rng = random.Random(5)
    first = [backoff(1, rng).total_seconds() for _ in range(500)]
    late = [backoff(20, rng).total_seconds() for _ in range(500)]
    assert min(first) >= 5 and max(first) <= 30
    assert max(late) <= 3600 and max(late) > 3000


def test_call_retries_then_raises_the_last_error() -> None:
    waits: list[float] = []
    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise TimeoutError("busy")
        return "ok"

    policy = Backoff(base_s=0.1, cap_s=1.0, attempts=4)
    assert policy.call(flaky, (TimeoutError,), sleep=waits.append) == "ok"
    assert calls["n"] == 3 and len(waits) == 2
    calls["n"] = -10
    with pytest.raises(TimeoutError):
        policy.call(flaky, (TimeoutError,), sleep=waits.append)
    assert calls["n"] == -6  # exactly four attempts
    with pytest.raises(KeyError):  # other errors are not retried
        empty: dict[str, str] = {}
        policy.call(lambda: empty["x"], (TimeoutError,), sleep=waits.append)


def test_an_error_the_caller_will_not_retry_is_raised_at_once() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise ValueError("final" if len(calls) == 2 else "passing")

    with pytest.raises(ValueError, match="final"):
        Backoff(base_s=0, cap_s=0, attempts=5).call(
            attempt, (ValueError,), sleep=lambda _s: None, retry_if=lambda e: "passing" in str(e)
        )
    assert len(calls) == 2
