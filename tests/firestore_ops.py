"""Counts the Firestore reads and writes code makes in this process, as Firestore bills them:
a document read per document returned by a get, a batch get or a query (one for a query
that returns none), one per 1,000 index entries an aggregation matched (at least one), a
write per document written. By wrapping the client library's methods, inside a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from google.cloud.firestore_v1 import aggregation, batch, client, document, query, transaction


@dataclass
class Ops:
    """Reads and writes counted so far."""

    reads: int = 0
    writes: int = 0


@contextmanager
def counting() -> Iterator[Ops]:
    """Count inside the block."""
    ops = Ops()
    saved: dict[str, Any] = {
        "get": document.DocumentReference.get,
        "get_all": client.Client.get_all,
        "stream": query.Query.stream,
        "agg": aggregation.AggregationQuery.get,
        "commit": batch.WriteBatch.commit,
        "txn": transaction.Transaction._commit,
    }

    def get(self: Any, *args: Any, **kwargs: Any) -> Any:
        ops.reads += 1
        return saved["get"](self, *args, **kwargs)

    def get_all(self: Any, *args: Any, **kwargs: Any) -> Any:
        for snap in saved["get_all"](self, *args, **kwargs):
            ops.reads += 1
            yield snap

    def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = 0
        for snap in saved["stream"](self, *args, **kwargs):
            found += 1
            ops.reads += 1
            yield snap
        ops.reads += 0 if found else 1

    def agg(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = saved["agg"](self, *args, **kwargs)
        matched = int(result[0][0].value)
        ops.reads += max(1, -(-matched // 1000))
        return result

    def commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        ops.writes += len(self._write_pbs)
        return saved["commit"](self, *args, **kwargs)

    def txn(self: Any) -> Any:
        ops.writes += len(self._write_pbs)
        return saved["txn"](self)

    document.DocumentReference.get = get  # type: ignore[method-assign]
    transaction.Transaction._commit = txn  # type: ignore[method-assign]
    client.Client.get_all = get_all  # type: ignore[method-assign]
    query.Query.stream = stream  # type: ignore[method-assign]
    aggregation.AggregationQuery.get = agg  # type: ignore[method-assign]
    batch.WriteBatch.commit = commit  # type: ignore[method-assign]
    try:
        yield ops
    finally:
        document.DocumentReference.get = saved["get"]  # type: ignore[method-assign]
        client.Client.get_all = saved["get_all"]  # type: ignore[method-assign]
        query.Query.stream = saved["stream"]  # type: ignore[method-assign]
        aggregation.AggregationQuery.get = saved["agg"]  # type: ignore[method-assign]
        batch.WriteBatch.commit = saved["commit"]  # type: ignore[method-assign]
        transaction.Transaction._commit = saved["txn"]  # type: ignore[method-assign]
