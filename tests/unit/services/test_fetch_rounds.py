"""Fetching in rounds of quota blocks, on in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import ConfigError, GmailRateLimitError, LeadHarvestError, PermanentError
from shared.services.ingest.fetch import FETCH_ROUNDS, Fetcher
from tests.fakes.deps import Deps, account
from tests.unit.services.conftest import leads


def _keep(
    answers: dict[str, bytes | LeadHarvestError], failures: dict[str, LeadHarvestError]
) -> None:
    for gmail_id, answer in answers.items():
        if isinstance(answer, LeadHarvestError):
            failures[gmail_id] = answer
        else:
            failures.pop(gmail_id, None)


def test_only_passing_failures_are_asked_again(deps: Deps) -> None:
    ids = leads(deps, 3)
    deps.gmail.fail = {
        ids[0]: lambda n: PermanentError("no"),
        ids[1]: lambda n: GmailRateLimitError("429"),
    }
    fetcher = Fetcher(deps, account(), deps.gmail)
    failures = fetcher.rounds(ids, deps.gmail.get_raw_many, _keep)
    assert set(failures) == {ids[0], ids[1]}
    assert (
        deps.gmail.calls[f"get:{ids[0]}"] == 1 and deps.gmail.calls[f"get:{ids[1]}"] == FETCH_ROUNDS
    )


def test_a_problem_of_the_whole_mailbox_stops_the_chunk(deps: Deps) -> None:
    ids = leads(deps, 2)
    deps.gmail.fail = {ids[1]: lambda n: ConfigError("Gmail API not enabled")}
    with pytest.raises(ConfigError):
        Fetcher(deps, account(), deps.gmail).rounds(ids, deps.gmail.get_raw_many, _keep)
    assert deps.fetch_budget.free == deps.fetch_budget.total


def test_a_hold_met_midway_leaves_the_rest_unasked(deps: Deps) -> None:
    ids = leads(deps, 11)
    later = datetime.now(UTC) + timedelta(minutes=10)
    deps.gmail.fail = {ids[0]: lambda n: GmailRateLimitError("429", retry_at=later)}
    acc = account()
    failures = Fetcher(deps, acc, deps.gmail).rounds(ids, deps.gmail.get_raw_many, _keep)
    assert len(deps.gmail.requests) == 1  # the first block only
    assert set(failures) == {ids[0], *ids[5:]}
    assert all(isinstance(e, GmailRateLimitError) for e in failures.values())
    assert acc.gmail_retry_at == later


def test_timings_add_up_over_requests(deps: Deps) -> None:
    ids = leads(deps, 7)
    fetcher = Fetcher(deps, account(), deps.gmail)
    fetcher.rounds(ids, deps.gmail.get_raw_many, _keep)
    assert set(fetcher.timings) == {"quota_wait_s", "reserve_s", "fetch_s", "store_s"}
    assert len(deps.quota.asked) == 2
