"""What a batch says of itself over the API, on the emulators: ``waiting_retry`` with the
next attempt while its last email waits in the retry list, ``startedAt`` that no retry
moves, ``completedAt`` when its last email ended; history items with status and progress,
and an ``active`` filter. A disconnected mailbox's Gmail routes say so (409)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from shared.services.ingest.process import process_chunk
from shared.services.mailbox.disconnect import disconnect
from tests.integration.pipeline.conftest import Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture
from tests.integration.pipeline.test_processing import poisoned_chunk


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_batch_waiting_for_a_retry_says_so_and_keeps_its_start(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    p = pipeline
    ids, job = poisoned_chunk(p, 6)
    status_of = f"/processing/status/{job.batch_id}"
    process_chunk(p.deps, job)
    first = api.get(status_of, headers=auth(p)).get_json()
    assert (first["status"], first["processed"], first["failed"]) == ("waiting_retry", 3, 1)
    assert first["nextRetryAt"] and first["completedAt"] is None
    assert _at(first["startedAt"]) >= _at(first["createdAt"])
    active = api.get("/processing/history?active=true", headers=auth(p)).get_json()
    assert [b["batchId"] for b in active["batches"]] == [job.batch_id]
    assert active["batches"][0]["status"] == "waiting_retry"
    for _ in range(2):  # the retries, later: the batch's start stays where it was
        time.sleep(0.05)
        process_chunk(p.deps, job)
    done = api.get(status_of, headers=auth(p)).get_json()
    assert done["status"] == "completed_with_errors" and done["nextRetryAt"] is None
    assert done["startedAt"] == first["startedAt"]
    assert _at(done["completedAt"]) > _at(done["startedAt"])
    listed = api.get("/processing/history", headers=auth(p)).get_json()["batches"]
    item = next(b for b in listed if b["batchId"] == job.batch_id)
    assert (item["status"], item["progress"], item["dead"]) == ("completed_with_errors", "4/4", 1)
    assert api.get("/processing/history?active=true", headers=auth(p)).get_json()["batches"] == []
    assert ids[0] in {e["messageId"] for e in done["retry"]}


def test_a_disconnected_mailbox_says_so_on_its_gmail_routes(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    p = pipeline
    p.connect()
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    disconnect(p.deps, account)
    for path in ("/gmail/labels", "/gmail/messages"):
        resp = api.get(path, headers=auth(p))
        assert resp.status_code == 409, resp.get_json()
        error = resp.get_json()["error"]
        assert error["code"] == "not_connected" and "connect it again" in error["message"]
