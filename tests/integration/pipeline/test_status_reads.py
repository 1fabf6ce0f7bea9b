"""``GET /gmail/status`` reads a handful of documents whatever the history: after ten
finished 4,000-email batches and one stuck one, counted as Firestore bills them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.clock import micros, utcnow
from shared.services.scheduled.retry import retry_due
from tests.firestore_ops import counting
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture


def test_status_reads_at_most_twenty_documents(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    p = pipeline
    p.connect()
    now = utcnow()
    for n in range(10):  # finished 4,000-email batches (ids on 160 chunk documents)
        chunks = {f"c{c:05d}": [f"m{n}x{c}x{i}" for i in range(25)] for c in range(160)}
        p.deps.batches.create(f"big-{n}", p.mailbox, "backfill", chunks, now, "owner")
        p.deps.db.collection("batches").document(f"big-{n}").update({"open": False})
    p.deps.batches.create("lost", p.mailbox, "push", {"c00000": ["a1", "a2"]}, now, "owner")
    old = micros(now - timedelta(hours=2))
    p.deps.db.collection("batches").document("lost").update({"progress_us": old})
    retry_due(p.deps)  # the sweep finds it (and sends it again)
    with counting() as ops:
        status = api.get("/gmail/status", headers=auth(p)).get_json()
    print(f"GET /gmail/status: {ops}")
    assert "stuck_batches" in status["reasons"]
    assert ops.reads <= 20 and ops.writes == 0, ops
