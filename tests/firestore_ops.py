"""Counts the Firestore reads and writes code makes in this process, as Firestore bills them
(``firestore_billing.py``), inside a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests import firestore_billing


@dataclass
class Ops:
    """Reads and writes counted so far."""

    reads: int = 0
    writes: int = 0


@contextmanager
def counting() -> Iterator[Ops]:
    """Count inside the block."""
    ops = Ops()

    def read(n: int) -> None:
        ops.reads += n

    def write(names: list[str]) -> None:
        ops.writes += len(names)

    restore = firestore_billing.patch(read, write)
    try:
        yield ops
    finally:
        restore()
