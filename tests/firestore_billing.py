"""Firestore's operations as it bills them, seen by wrapping the client library's own methods
(the project's code is not changed): a read per document a get, a batch get or a query
returns (one for a query that returns none), one per 1,000 index entries an aggregation
matched (at least one), and each document a committed batch or transaction wrote.

Both the in-process counter of the tests (``firestore_ops.py``) and the bench's probes in
the function processes (``bench/hooks/sitecustomize.py``) count through :func:`patch`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.cloud.firestore_v1 import aggregation, batch, client, document, query, transaction

OnRead = Callable[[int], None]
OnWrite = Callable[[list[str]], None]  # the documents written (paths below /documents/)


def _names(write_pbs: list[Any]) -> list[str]:
    out = []
    for pb in write_pbs:
        which = pb._pb.WhichOneof("operation")
        name = pb.update.name if which == "update" else pb.delete if which == "delete" else ""
        out.append(name.split("/documents/", 1)[-1])
    return out


def patch(on_read: OnRead, on_write: OnWrite) -> Callable[[], None]:
    """Report every read and write from now on; returns what puts the methods back."""
    saved: dict[str, Any] = {
        "get": document.DocumentReference.get,
        "get_all": client.Client.get_all,
        "stream": query.Query.stream,
        "agg": aggregation.AggregationQuery.get,
        "commit": batch.WriteBatch.commit,
        "txn": transaction.Transaction._commit,
    }

    def get(self: Any, *args: Any, **kwargs: Any) -> Any:
        on_read(1)
        return saved["get"](self, *args, **kwargs)

    def get_all(self: Any, *args: Any, **kwargs: Any) -> Any:
        snaps = list(saved["get_all"](self, *args, **kwargs))
        on_read(len(snaps))
        return iter(snaps)

    def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
        snaps = list(saved["stream"](self, *args, **kwargs))
        on_read(max(1, len(snaps)))
        return iter(snaps)

    def agg(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = saved["agg"](self, *args, **kwargs)
        on_read(max(1, -(-int(result[0][0].value) // 1000)))
        return result

    def commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        names = _names(self._write_pbs)
        result = saved["commit"](self, *args, **kwargs)
        on_write(names)
        return result

    def txn(self: Any) -> Any:
        names = _names(self._write_pbs)
        result = saved["txn"](self)
        on_write(names)
        return result

    document.DocumentReference.get = get  # type: ignore[method-assign]
    client.Client.get_all = get_all  # type: ignore[method-assign]
    query.Query.stream = stream  # type: ignore[method-assign]
    aggregation.AggregationQuery.get = agg  # type: ignore[method-assign]
    batch.WriteBatch.commit = commit  # type: ignore[method-assign]
    transaction.Transaction._commit = txn  # type: ignore[method-assign]

    def restore() -> None:
        document.DocumentReference.get = saved["get"]  # type: ignore[method-assign]
        client.Client.get_all = saved["get_all"]  # type: ignore[method-assign]
        query.Query.stream = saved["stream"]  # type: ignore[method-assign]
        aggregation.AggregationQuery.get = saved["agg"]  # type: ignore[method-assign]
        batch.WriteBatch.commit = saved["commit"]  # type: ignore[method-assign]
        transaction.Transaction._commit = saved["txn"]  # type: ignore[method-assign]

    return restore
