"""The bench's bill and scale model, from made-up counts: prices applied as the table says,
figures scaled per mailbox, a task over its timeout flagged."""

from __future__ import annotations

import pytest

from tests.bench import cost

OPS = {
    "reads": 100_000.0,
    "writes": 100_000.0,
    "messages": 0.0,
    "requests": 0.0,
    "gmail_units": 0.0,
    "cpu_s": 0.0,
}


def test_the_bill_uses_the_price_table() -> None:
    p = cost.PRICES
    assert cost.dollars(OPS) == pytest.approx(1e5 * (p["firestore_read"] + p["firestore_write"]))
    assert cost.dollars({**OPS, "reads": 0, "writes": 0, "cpu_s": 1000}) == pytest.approx(
        1000 * (p["cpu_second"] + cost.MEMORY_GIB * p["gib_second"])
    )
    assert p["date"] and set(p["sources"]) == {"firestore", "pubsub", "cloud_run", "gmail"}


def test_the_scale_model_multiplies_and_flags_a_slow_task() -> None:
    rest = {**OPS, "reads": 10.0, "writes": 1.0, "gmail_units": 14.0}
    small, large = cost.model(rest, {"audit": 0.5, "renew": 30.0}, measured=200)
    assert small["firestore_reads_per_day"] == 10 * 24 * 1000
    assert large["gmail_units_per_day"] == 14 * 24 * 10_000
    assert small["every_task_within_timeout"] and small["slowest_task_s"] == 150.0
    assert large["slowest_task_s"] == 1500.0 and not large["every_task_within_timeout"]
