"""Settings, the error tree and structured logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from shared import config, errors
from shared.logs import JsonFormatter, get_logger, scrub

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_setting_is_in_the_readme_table() -> None:
    text = README.read_text()
    missing = [name for name in config.SETTINGS if f"`{name}`" not in text]
    assert missing == []


def test_settings_defaults_overrides_and_errors() -> None:
    settings = config.load({"CHUNK_SIZE": "10", "FRONTEND_ORIGINS": "https://a, https://b"})
    assert settings.integer("CHUNK_SIZE") == 10
    assert settings.text("LEAD_LABEL") == "Processed lead"
    assert settings.csv("FRONTEND_ORIGINS") == ("https://a", "https://b")
    with pytest.raises(errors.ConfigError):
        config.load({"CHUNK_SIZE": "ten"}).integer("CHUNK_SIZE")
    with pytest.raises(errors.ConfigError):
        settings.require("PUSH_AUDIENCE")
    with pytest.raises(errors.ConfigError):
        settings.text("NOT_A_SETTING")


def test_error_tree_and_envelope() -> None:
    assert issubclass(errors.GmailRateLimitError, errors.RetryableError)
    assert issubclass(errors.InvalidGrantError, errors.PermanentError)
    err = errors.ValidationError("bad", details={"field": "limit"})
    assert err.envelope() == {
        "error": {"code": "invalid_argument", "message": "bad", "details": {"field": "limit"}}
    }
    assert errors.UnauthenticatedError("x").http_status == 401


def test_logs_are_json_with_severity_and_no_secrets() -> None:
    record = logging.LogRecord(
        "leadharvest.t",
        logging.WARNING,
        __file__,
        1,
        "lead from ana.lee@example.org +1 215 555 0143",
        None,
        None,
    )
    record.fields = {"refresh_token": "1//abc", "mailbox": "ops@example.com", "count": 3}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["severity"] == "WARNING"
    assert "ana.lee@example.org" not in entry["message"] and "555" not in entry["message"]
    assert entry["refresh_token"] == "[redacted]" and entry["count"] == 3
    assert "ops@example.com" not in json.dumps(entry)
    assert scrub({"Authorization": "Bearer x"}) == {"Authorization": "[redacted]"}
    assert get_logger("x").name == "leadharvest.x"
