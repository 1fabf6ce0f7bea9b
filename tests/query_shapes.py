"""Records the shape of every Firestore query the code really runs, and checks each one that
needs a composite index against ``shared.store.indexes.INDEXES``.

Firestore serves single-field queries from its automatic indexes; a query filtering or
ordering on more than one field needs a composite index whose fields are its equality fields
(any order) followed by its inequality and order-by fields (in order).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from google.cloud.firestore_v1 import base_query

EQUALITY = {"EQUAL", "IN", "ARRAY_CONTAINS", "ARRAY_CONTAINS_ANY"}


@dataclass(frozen=True)
class Shape:
    """Collection, equality fields and ordered (inequality / order-by) fields of a query."""

    collection: str
    equal: frozenset[str]
    ordered: tuple[tuple[str, str], ...]

    def needs_index(self) -> bool:
        return len(self.equal | {f for f, _ in self.ordered}) > 1


def _filters(pb: Any) -> Iterator[Any]:
    if "composite_filter" in pb:
        for sub in pb.composite_filter.filters:
            yield from _filters(sub)
    elif "field_filter" in pb:
        yield pb.field_filter


def shape_of(query: Any) -> Shape:
    """The shape of a ``StructuredQuery`` protobuf."""
    equal: set[str] = set()
    ordered: list[tuple[str, str]] = []
    for f in _filters(query.where) if "where" in query else ():
        name, op = f.field.field_path, f.op.name
        if op in EQUALITY:
            equal.add(name)
        elif (name, "ASCENDING") not in ordered:
            ordered.append((name, "ASCENDING"))
    for order in query.order_by:
        name = order.field.field_path
        ordered = [o for o in ordered if o[0] != name] + [(name, order.direction.name)]
    ordered = [o for o in ordered if o[0] != "__name__"]
    return Shape(query.from_[0].collection_id, frozenset(equal), tuple(ordered))


def covered(shape: Shape, indexes: dict[str, tuple[str, tuple[tuple[str, str], ...]]]) -> bool:
    """Whether one declared index serves ``shape`` (or it needs none)."""
    if not shape.needs_index():
        return True
    n = len(shape.equal)
    for collection, fields in indexes.values():
        if collection != shape.collection or len(fields) != n + len(shape.ordered):
            continue
        if {f for f, _ in fields[:n]} != shape.equal:
            continue
        tail = fields[n:]
        flipped = tuple((f, "ASCENDING" if d == "DESCENDING" else "DESCENDING") for f, d in tail)
        if shape.ordered in (tail, flipped):
            return True
    return False


@contextmanager
def recording() -> Iterator[set[Shape]]:
    """Every query built for the server while inside the block, by shape."""
    seen: set[Shape] = set()
    original = base_query.BaseQuery._to_protobuf

    def record(self: Any) -> Any:
        pb = original(self)
        seen.add(shape_of(pb))
        return pb

    base_query.BaseQuery._to_protobuf = record  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        base_query.BaseQuery._to_protobuf = original  # type: ignore[method-assign]
