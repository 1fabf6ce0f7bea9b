"""A Gmail outage is waited out, on the emulators and the fake Google: with the production
retry settings every email in flight was ``dead`` after a median 238 s of scheduled waits,
and nothing revived them when Gmail came back. The fake answers every call 500 for 30
minutes of scheduled time (driven by moving each wait's end into the past)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from shared.backoff import Backoff
from shared.clock import utcnow
from shared.services.ingest.process import process_chunk
from shared.services.scheduled.retry import retry_due
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_api import auth
from tests.integration.pipeline.test_entry_auth import client
from tests.integration.pipeline.test_gmail_word import _account, _connected, fresh_outcomes

STORM = timedelta(minutes=30)


def _waited_out(p: Pipeline) -> timedelta:
    """Skip to the end of the mailbox's pause and its emails' waits; returns the time
    skipped (what the scheduled waits would have taken)."""
    now = utcnow()
    ends: list[datetime] = [
        (e.to_dict() or {})["next_attempt_at"] for e in p.deps.db.collection("retries").stream()
    ]
    held = _account(p).gmail_retry_at
    skipped = max([*ends, held or now]) - now
    past = now - timedelta(seconds=1)
    p.deps.accounts.update(p.mailbox, gmail_retry_at=past)
    for entry in p.deps.db.collection("retries").stream():
        entry.reference.update({"next_attempt_at": past})
    return skipped


def test_a_30_minute_gmail_storm_ends_with_every_email_recorded_none_dead(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    p = pipeline
    monkeypatch.setattr("shared.services.ingest.fetch.ROUNDS", Backoff(0.01, 0.01))
    assert p.deps.settings.retry_max_attempts == 3  # fewer than production's: stricter
    ids = _connected(p, 5)
    jobs = p.chunk_jobs()
    p.faults(rate_500=1.0)
    elapsed, cycles = timedelta(0), 0
    while elapsed < STORM:
        for job in jobs:
            assert set(process_chunk(p.deps, job).values()) == {"failed"}
        cycles += 1
        if cycles == 1:
            status = client("api").get("/gmail/status", headers=auth(p)).get_json()
            assert "gmail_unavailable" in status["reasons"] and status["health"] == "degraded"
        elapsed += _waited_out(p)
        retry_due(p.deps)
        jobs = p.chunk_jobs()
    entries = [e.to_dict() or {} for e in p.deps.db.collection("retries").stream()]
    assert {e["state"] for e in entries} == {"pending"}
    assert {e["attempts"] for e in entries} == {0}  # the outage was charged to no email
    p.faults(rate_500=0.0)  # Gmail is back: nobody acts
    outcomes: dict[str, str] = {}
    for job in jobs:
        outcomes |= process_chunk(p.deps, job)
    assert sorted(outcomes) == sorted(ids)
    assert Counter(outcomes.values()) == fresh_outcomes(p, 5)
    assert _account(p).gmail_down_since is None
    paused = [r for r in caplog.records if r.getMessage() == "gmail unavailable: mailbox paused"]
    assert len(paused) == 1  # one warning for the outage (its alert), not one per email
    assert not [r for r in caplog.records if r.getMessage() == "email dead"]
    print(f"storm of {elapsed} waited out in {cycles} pauses")
