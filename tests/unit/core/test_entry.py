"""Pub/Sub entry glue: ack on permanent errors, redeliver (503 / 500) otherwise, and one
structured log entry each time, never a bare traceback."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path

import pytest
from functions_framework import create_app

from shared.logs import JsonFormatter, get_logger

SOURCE = """
import functions_framework
from shared.entry import run_event
from shared.errors import PermanentError, RetryableError

def handle(deps, what):
    if what == "retry":
        raise RetryableError("Gmail is busy")
    if what == "bug":
        raise ValueError("boom for ana.lopez@example.com")
    if what == "permanent":
        raise PermanentError("cannot ever work")

@functions_framework.cloud_event
def target(event):
    run_event(event, lambda data: data["what"], handle)
"""


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
    (tmp_path / "main.py").write_text(SOURCE)
    client = create_app("target", str(tmp_path / "main.py"), "cloudevent").test_client()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    get_logger("entry")
    logging.getLogger("leadharvest").addHandler(handler)
    try:
        resp = client.post("/", json=push(what))
    finally:
        logging.getLogger("leadharvest").removeHandler(handler)
    assert resp.status_code == status
    entries = [json.loads(line) for line in out.getvalue().splitlines()]
    if severity is None:
        assert entries == []
    else:
        assert [(e["severity"], e["message"]) for e in entries] == [(severity, message)]
    assert not [r for r in caplog.records if r.exc_info], "a bare traceback was logged"
    if what == "bug":
        assert "ValueError" in entries[0]["stack_trace"] and "ana.lopez@" not in out.getvalue()
