"""Benchmark probes, loaded only when this folder is on PYTHONPATH (``make bench``).

Records, per process, every committed Firestore write (document and time), every document
read as Firestore bills it (a document returned by a get, a batch get or a query, one for an
empty query, one per 1,000 entries an aggregation matched), every Pub/Sub publish and every
function invocation as JSON lines in ``$BENCH_EVENTS_DIR/<pid>.jsonl``, by wrapping the
client libraries' own methods. The project's code is not changed.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

_DIR = os.environ.get("BENCH_EVENTS_DIR")
_lock = threading.Lock()
_out: Any = None


def _emit(kind: str, **fields: Any) -> None:
    global _out  # noqa: PLW0603
    with _lock:
        if _out is None:
            _out = open(os.path.join(_DIR or ".", f"{os.getpid()}.jsonl"), "a", buffering=1)  # noqa: SIM115
        _out.write(json.dumps({"t": time.time(), "kind": kind, **fields}) + "\n")


def _names(write_pbs: list[Any]) -> list[str]:
    out = []
    for pb in write_pbs:
        which = pb._pb.WhichOneof("operation")
        out.append(pb.update.name if which == "update" else pb.delete if which == "delete" else "")
    return out


def _install() -> None:
    from google.cloud.firestore_v1 import batch, transaction  # noqa: PLC0415

    commit, txn_commit = batch.WriteBatch.commit, transaction.Transaction._commit

    def counted_commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        names = _names(self._write_pbs)
        result = commit(self, *args, **kwargs)
        for name in names:
            _emit("write", doc=name.split("/documents/", 1)[-1])
        return result

    def counted_txn_commit(self: Any) -> Any:
        names = _names(self._write_pbs)
        result = txn_commit(self)
        for name in names:
            _emit("write", doc=name.split("/documents/", 1)[-1])
        return result

    batch.WriteBatch.commit = counted_commit  # type: ignore[method-assign]  # a probe
    transaction.Transaction._commit = counted_txn_commit  # type: ignore[method-assign]
    _install_reads()

    from google.cloud.pubsub_v1.publisher import client as pub  # noqa: PLC0415

    publish = pub.Client.publish

    def counted_publish(self: Any, topic: str, data: bytes, *args: Any, **kwargs: Any) -> Any:
        _emit("publish", topic=topic.rsplit("/", 1)[-1])
        return publish(self, topic, data, *args, **kwargs)

    pub.Client.publish = counted_publish

    import functions_framework  # noqa: PLC0415

    create_app = functions_framework.create_app

    def counted_create_app(target: Any = None, *args: Any, **kwargs: Any) -> Any:
        app = create_app(target, *args, **kwargs)  # type: ignore[no-untyped-call]
        app.before_request(lambda: _emit("invoke", fn=target) if not _favicon() else None)
        return app

    functions_framework.create_app = counted_create_app  # a probe around the factory


def _install_reads() -> None:
    from google.cloud.firestore_v1 import aggregation, client, document, query  # noqa: PLC0415

    get, get_all, stream, agg = (
        document.DocumentReference.get,
        client.Client.get_all,
        query.Query.stream,
        aggregation.AggregationQuery.get,
    )

    def counted_get(self: Any, *args: Any, **kwargs: Any) -> Any:
        _emit("read", n=1)
        return get(self, *args, **kwargs)

    def counted_get_all(self: Any, *args: Any, **kwargs: Any) -> Any:
        snaps = list(get_all(self, *args, **kwargs))
        _emit("read", n=len(snaps))
        return iter(snaps)

    def counted_stream(self: Any, *args: Any, **kwargs: Any) -> Any:
        snaps = list(stream(self, *args, **kwargs))
        _emit("read", n=max(1, len(snaps)))
        return iter(snaps)

    def counted_agg(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = agg(self, *args, **kwargs)
        matched = int(result[0][0].value)  # type: ignore[index]
        _emit("read", n=max(1, -(-matched // 1000)))
        return result

    document.DocumentReference.get = counted_get  # type: ignore[method-assign]
    client.Client.get_all = counted_get_all  # type: ignore[method-assign]
    query.Query.stream = counted_stream  # type: ignore[method-assign]
    aggregation.AggregationQuery.get = counted_agg  # type: ignore[method-assign]


def _favicon() -> bool:
    from flask import request  # noqa: PLC0415

    return request.path.endswith(("favicon.ico", "robots.txt"))


if _DIR:
    _install()
