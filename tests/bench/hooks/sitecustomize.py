"""Benchmark probes, loaded only when this folder is on PYTHONPATH (``make bench``).

Records, per process, every committed Firestore write (document and time) and read as
Firestore bills them (``tests/firestore_billing.py``), every Pub/Sub publish and every
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


def _install() -> None:
    from tests import firestore_billing  # noqa: PLC0415 - the project root is on the path

    def wrote(names: list[str]) -> None:
        for name in names:
            _emit("write", doc=name)

    firestore_billing.patch(lambda n: _emit("read", n=n), wrote)

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


def _favicon() -> bool:
    from flask import request  # noqa: PLC0415

    return request.path.endswith(("favicon.ico", "robots.txt"))


if _DIR:
    _install()
