"""The served document's operationIds are unique: generated clients name their functions and
types after them (two ``status`` operations broke the TypeScript types and made the Python
generator drop one route)."""

from __future__ import annotations

from collections import Counter

from shared.api.app import document


def test_every_operation_id_is_unique() -> None:
    ids = [op["operationId"] for path in document()["paths"].values() for op in path.values()]
    repeated = [name for name, n in Counter(ids).items() if n > 1]
    assert not repeated, f"operationIds used twice: {repeated}"
