"""The whole local stack in processes, once per e2e module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.driver import Driver
from infra.local.functions_stack import Functions
from infra.local.stack import ROOT, local_stack


@pytest.fixture(scope="module")
def driver(request: pytest.FixtureRequest) -> Iterator[Driver]:
    """Emulators, fake Google, every function and the push relay, each in its own process."""
    log_dir = ROOT / "build" / "logs" / f"e2e-{Path(request.path).stem}"
    with local_stack(log_dir) as stack:
        yield Driver(Functions(stack).start())
