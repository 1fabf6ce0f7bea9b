"""Pub/Sub entry glue: ack on permanent errors, redeliver (503 / 500) otherwise, and one
structured log entry each time, never a bare traceback."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from functions_framework import create_app

from shared import config
from shared.logs import JsonFormatter, get_logger

SOURCE = """
import functions_framework
from shared.entry import run_event
from shared.errors import ConfigError, PermanentError, RetryableError

def handle(deps, what):
    if what == "retry":
        raise RetryableError("Gmail is busy")
    if what == "bug":
        raise ValueError("boom for ana.lopez@example.com")
    if what == "permanent":
        raise PermanentError("cannot ever work")
    if what == "config":
        raise ConfigError("CHUNK_SIZE must be an integer")

@functions_framework.cloud_event
def target(event):
    run_event("target", event, lambda data: data, lambda deps, job: handle(deps, job["what"]))
"""


@contextlib.contextmanager
def json_logs() -> Iterator[io.StringIO]:
    """What the project's loggers emit, as the JSON lines Cloud Logging would read."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    get_logger("entry")
    logging.getLogger("leadharvest").addHandler(handler)
    try:
        yield out
    finally:
        logging.getLogger("leadharvest").removeHandler(handler)


def push(what: str) -> dict[str, object]:
    data = base64.b64encode(json.dumps({"what": what}).encode()).decode()
    return {
        "message": {"data": data, "messageId": "1", "publishTime": "2026-11-24T00:00:00Z"},
        "subscription": "projects/p/subscriptions/s",
    }


@pytest.mark.parametrize(
    ("what", "status", "severity", "message"),
    [
        ("ok", 200, None, None),
        ("permanent", 200, "WARNING", "message acknowledged without effect"),
        ("retry", 503, "WARNING", "message will be redelivered"),
        ("bug", 500, "ERROR", "message failed unexpectedly"),
        # a configuration error is never acknowledged: the work waits for the fix
        ("config", 500, "ERROR", "message failed unexpectedly"),
    ],
)
def test_status_and_one_structured_entry(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    what: str,
    status: int,
    severity: str | None,
    message: str | None,
) -> None:
    monkeypatch.setattr("shared.entry.deps", lambda: None)
    monkeypatch.setattr("shared.entry.verify_caller", lambda d: None)  # tested on the emulators
    (tmp_path / "main.py").write_text(SOURCE)
    client = create_app("target", str(tmp_path / "main.py"), "cloudevent").test_client()
    with json_logs() as out:
        resp = client.post(
            "/",
            json=push(what),
            headers={"X-Cloud-Trace-Context": "0af7651916cd43dd8448eb211c80319c/42;o=1"},
        )
    assert resp.status_code == status
    entries = [json.loads(line) for line in out.getvalue().splitlines()]
    if severity is None:
        assert entries == []
    else:
        assert [(e["severity"], e["message"]) for e in entries] == [(severity, message)]
    bare = [r for r in caplog.records if r.exc_info and not r.name.startswith("leadharvest")]
    assert not bare, "a traceback was logged outside the JSON entry"
    for entry in entries:
        assert entry["logging.googleapis.com/trace"] == (
            f"projects/{config.get().google_cloud_project}/traces/0af7651916cd43dd8448eb211c80319c"
        )
        assert entry["logging.googleapis.com/spanId"] == "42"
        assert entry["logging.googleapis.com/labels"] == {"function": "target"}
    if what == "bug":
        assert "ValueError" in entries[0]["stack_trace"] and "ana.lopez@" not in out.getvalue()
        assert "Traceback (most recent call last)" in entries[0]["stack_trace"]


HTTP_SOURCE = """
import functions_framework
from shared.http import guarded, reply

@functions_framework.http
def target(request):
    def act():
        if request.args.get("what") == "bug":
            raise KeyError("call 555-201-3344")
        return reply({"ok": True})
    return guarded("target", dict(request.headers), act)
"""


def test_http_entry_bug_is_one_json_entry_with_stack_and_trace(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(HTTP_SOURCE)
    client = create_app("target", str(tmp_path / "main.py")).test_client()
    traced = {"traceparent": f"00-{'ab' * 16}-{'0' * 15}f-01"}
    with json_logs() as out:
        ok = client.get("/", headers=traced)
        bug = client.get("/?what=bug", headers=traced)
    assert ok.status_code == 200 and bug.status_code == 500
    assert bug.get_json()["error"]["code"] == "internal"
    [entry] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert entry["severity"] == "ERROR" and "KeyError" in entry["stack_trace"]
    assert entry["logging.googleapis.com/trace"].endswith("/traces/" + "ab" * 16)
    assert entry["logging.googleapis.com/spanId"] == "15"
    assert entry["logging.googleapis.com/labels"] == {"function": "target"}
    assert "555-201-3344" not in out.getvalue()
