"""Fixtures shared by every tier; the emulator and fake fixtures start only when requested."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.local.emulators import Emulators
from infra.local.fake_google.server import FakeGoogle
from infra.local.fake_google.state import Faults

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MAILBOX = "operator@example.com"


@pytest.fixture(scope="session")
def emulators() -> Iterator[Emulators]:
    """One Firestore + Pub/Sub emulator pair for the whole test session.

    A missing or broken emulator is an error, never a skip: the tests that need one fail.
    """
    pair = Emulators(log_dir=ROOT / "build" / "logs" / f"pytest-{os.getpid()}")
    try:
        pair.start()
        saved = {k: os.environ.get(k) for k in pair.env}
        os.environ.update(pair.env)
        print(f"\nemulator start-up: {pair.startup_s}")
        yield pair
    finally:
        pair.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def firestore_env(emulators: Emulators) -> Iterator[Emulators]:
    """The emulators with Firestore wiped before the test."""
    emulators.reset_firestore()
    yield emulators


@pytest.fixture(scope="session")
def fake_google_server() -> Iterator[FakeGoogle]:
    """The fake Google in a thread for the whole session."""
    server = FakeGoogle().start()
    yield server
    server.stop()


@pytest.fixture
def fake_google(fake_google_server: FakeGoogle) -> Iterator[FakeGoogle]:
    """The fake Google with faults off and stats cleared for each test."""
    url = fake_google_server.url
    requests.post(f"{url}/_fake/faults", json=dataclasses.asdict(Faults()), timeout=5)
    requests.post(f"{url}/_fake/stats/reset", timeout=5)
    yield fake_google_server
