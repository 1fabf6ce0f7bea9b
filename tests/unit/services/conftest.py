"""Use cases on in-memory fakes: no emulator, no Java, no sleeping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.mailgen import stream
from shared.services.ingest import fetch
from shared.services.mailbox import gmail_access, sync
from tests.fakes.deps import LABEL, MAILBOX, Deps
from tests.helpers import PRIVATE

NOT_A_LEAD = PRIVATE


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backoff and follow-up pauses take no time here (their lengths are tested alone)."""
    for module in (fetch, gmail_access, sync):
        monkeypatch.setattr(module.time, "sleep", lambda _s: None)


@pytest.fixture
def deps() -> Iterator[Deps]:
    yield Deps()


def leads(deps: Deps, n: int, seed: int = 1, label: str = LABEL) -> list[str]:
    """Deliver ``n`` lead emails (about a fifth from renters met before) into the label."""
    return [deps.gmail.add(raw, label) for raw, _ in stream(n, seed, MAILBOX)]
