"""A process's fetch budget: room is reserved whole per request at the largest size, and
what Gmail's answer does not need goes back at once."""

from __future__ import annotations

import threading

import pytest

from shared.gmail.budget import FetchBudget

MIB = 2**20


def test_a_request_waits_until_its_whole_room_is_free() -> None:
    budget = FetchBudget(budget_bytes=10 * MIB, email_max_bytes=2 * MIB)
    started = threading.Event()
    with budget.hold(4):  # 8 MiB reserved
        waiter = threading.Thread(target=lambda: _take(budget, 2, started))
        waiter.start()
        waiter.join(0.2)
        assert not started.is_set()  # 8 + 4 > 10: it waits
    waiter.join(2)
    assert started.is_set()
    assert budget.free == 10 * MIB


def test_small_answers_give_their_room_back_before_they_are_stored() -> None:
    budget = FetchBudget(budget_bytes=10 * MIB, email_max_bytes=5 * MIB)
    with budget.hold(2) as room:
        assert budget.free == 0
        room.keep(60_000)  # five lead emails of 12 KB
        assert budget.free == 10 * MIB - 60_000
        with budget.hold(1):  # a second request fits now
            assert budget.free == 5 * MIB - 60_000
    assert budget.free == 10 * MIB


def test_a_request_bigger_than_the_budget_takes_all_of_it_and_still_runs() -> None:
    budget = FetchBudget(budget_bytes=3, email_max_bytes=1)
    with budget.hold(10) as room:
        assert room.held == 3 and budget.free == 0
    assert budget.free == 3


def test_a_failed_request_gives_its_room_back() -> None:
    budget = FetchBudget(budget_bytes=4, email_max_bytes=1)
    with pytest.raises(RuntimeError), budget.hold(4):
        raise RuntimeError("Gmail went away")
    assert budget.free == 4


def _take(budget: FetchBudget, n: int, started: threading.Event) -> None:
    with budget.hold(n):
        started.set()
