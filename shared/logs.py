"""Structured JSON logs on stdout that Cloud Logging understands (``severity``, ``message``).

Secrets and personal data stay out: keys that look like credentials are dropped and
email addresses or phone numbers in messages are masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

_SECRET_KEY = re.compile(r"token|secret|password|authorization|cookie|code_verifier|raw", re.I)
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")
_SEVERITY = {
    "WARNING": "WARNING",
    "CRITICAL": "CRITICAL",
    "ERROR": "ERROR",
    "INFO": "INFO",
    "DEBUG": "DEBUG",
}
_configured = False


def scrub(value: Any) -> Any:
    """Mask personal data in a log value and drop credential-like keys from mappings."""
    if isinstance(value, str):
        return _PHONE.sub("[phone]", _EMAIL.sub(r"\1***@\2", value))
    if isinstance(value, dict):
        return {
            k: ("[redacted]" if _SECRET_KEY.search(str(k)) else scrub(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per line with ``severity``, ``message``, ``logger`` and fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record; extra fields come from ``extra={"fields": {...}}``."""
        entry: dict[str, Any] = {
            "severity": _SEVERITY.get(record.levelname, "DEFAULT"),
            "message": scrub(record.getMessage()),
            "logger": record.name,
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(scrub(fields))
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def get_logger(name: str) -> logging.Logger:
    """Return a logger writing structured JSON (configured once per process)."""
    global _configured  # noqa: PLW0603 - one-time process setup
    if not _configured:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("leadharvest")
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        root.propagate = False
        _configured = True
    return logging.getLogger(f"leadharvest.{name}")
