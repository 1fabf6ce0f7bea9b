"""Settings, the error tree and structured logs."""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from pathlib import Path

import pytest
from werkzeug.exceptions import MethodNotAllowed

from shared import config, errors
from shared.events import TRIGGERS
from shared.http_errors import to_http
from shared.logs import JsonFormatter, get_logger, scrub
from shared.services.ingest.queue import batch_id_for

TABLE = Path(__file__).resolve().parents[3] / "docs" / "settings.md"


def test_every_setting_is_in_the_readme_table() -> None:
    text = TABLE.read_text()
    missing = [name for name in config.SETTINGS if f"`{name}`" not in text]
    assert missing == []


def test_settings_defaults_overrides_and_errors() -> None:
    settings = config.load({"CHUNK_SIZE": "10", "FRONTEND_ORIGINS": "https://a, https://b"})
    assert settings.chunk_size == 10
    assert settings.lead_label == "Processed lead"
    assert settings.frontend_origins == ("https://a", "https://b")
    assert config.load({"LEAD_LABEL": ""}).lead_label == "Processed lead"  # empty is unset
    with pytest.raises(errors.ConfigError):
        config.load({"CHUNK_SIZE": "ten"})
    with pytest.raises(errors.ConfigError):
        settings.require("PUSH_AUDIENCE")
    with pytest.raises(errors.ConfigError):
        settings.require("NOT_A_SETTING")


def test_every_setting_has_a_typed_attribute_and_back() -> None:
    """The table (docs/settings.md, Terraform checks) and the typed attributes agree."""
    fields = {f.name for f in dataclasses.fields(config.Settings)}
    assert fields == {name.lower() for name in config.SETTINGS}


def test_error_tree_knows_no_http_and_one_mapper_does() -> None:
    assert issubclass(errors.GmailRateLimitError, errors.RetryableError)
    assert issubclass(errors.InvalidGrantError, errors.PermanentError)
    assert errors.GmailRateLimitError("x").retryable and not errors.NotFoundError("x").retryable
    for name in ("http_status", "envelope"):
        assert not hasattr(errors.LeadHarvestError("x"), name)
    err = errors.ValidationError("bad", details={"field": "limit"})
    assert to_http(err) == (
        400,
        {"error": {"code": "invalid_argument", "message": "bad", "details": {"field": "limit"}}},
    )
    expected = {
        errors.UnauthenticatedError: 401,
        errors.ForbiddenError: 403,
        errors.NotFoundError: 404,
        errors.MessageGoneError: 404,
        errors.InvalidGrantError: 409,
        errors.ConfigError: 500,
        errors.StoreContentionError: 503,
        errors.MalformedPayloadError: 400,
    }
    for kind, status in expected.items():
        assert to_http(kind("x"))[0] == status, kind
    assert to_http(MethodNotAllowed())[1]["error"]["code"] == "method_not_allowed"
    assert to_http(RuntimeError("boom")) == (
        500,
        {"error": {"code": "internal", "message": "internal error", "details": None}},
    )


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


def test_ids_survive_the_scrubber_and_phones_do_not() -> None:
    rng = random.Random(22)
    for _ in range(10_000):
        gmail_id = f"{rng.getrandbits(64):016x}"
        ids = [rng.choice(["a", "b", "c"]) + gmail_id for _ in range(3)]
        batch = batch_id_for("box@example.com", rng.choice(TRIGGERS), rng.randrange(10**9), ids)
        history = str(rng.randrange(10**12))
        for value in (gmail_id, batch, history, f"chunk {batch}/{gmail_id}"):
            assert scrub(value) == value
    for phone in (
        "215-555-0143",
        "(215) 555-0143",
        "+1 215 555 0143",
        "215.555.0143",
        "+12155550143",
    ):
        assert scrub(f"call {phone} today") == "call [phone] today", phone
    assert scrub({"phone": "+12155550143", "count": 2}) == {"phone": "[personal]", "count": 2}
