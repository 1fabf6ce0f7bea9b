"""Structured JSON logs on stdout that Cloud Logging understands.

Each entry has ``severity``, ``message``, the traceback in ``stack_trace`` when an exception is
logged, and, inside an entry point's :func:`log_context`, the request's trace
(``logging.googleapis.com/trace`` and ``spanId``, from Cloud Run's ``X-Cloud-Trace-Context`` or
``traceparent``) and labels (``logging.googleapis.com/labels``: function, masked mailbox).
Secrets and personal data stay out: keys that look like credentials are dropped, fields known
to hold personal data (``phone``, ``email``, names) are masked whole, and email addresses and
phone numbers as people write them are masked in messages, fields, labels and stacks; ids
(batch, Gmail, history) are never touched.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime

from shared import config
from shared.errors import ConfigError
from shared.types import Json, JsonObject

_SECRET_KEY = re.compile(r"token|secret|password|authorization|cookie|code_verifier|raw", re.I)
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
# A phone as people write it (separators, or E.164 with its "+"), never digits inside an id
# (batch ids, Gmail ids and history ids are runs of letters and digits).
_PHONE = re.compile(
    r"(?<![\w+-])(?:(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\+\d{10,15})(?![\w-])"
)
_PERSONAL_KEY = re.compile(r"^(?:phone|email|first_name|last_name|reply_to|name)$", re.I)
_TRACE_CONTEXT = re.compile(r"([0-9a-f]{32})(?:/(\d{1,20}))?")
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_STACK_CHARS = 8000
_context: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("log_context", default=())
_configured = False


def trace_of(headers: Mapping[str, str], project: str) -> dict[str, str]:
    """Cloud Logging's trace fields from Cloud Run's trace headers (none if absent)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    match = _TRACE_CONTEXT.match(lowered.get("x-cloud-trace-context") or "")
    span = match.group(2) if match else None
    if match is None:
        match = _TRACEPARENT.fullmatch(lowered.get("traceparent") or "")
        span = str(int(match.group(2), 16)) if match else None
    if match is None or not project:
        return {}
    fields = {"logging.googleapis.com/trace": f"projects/{project}/traces/{match.group(1)}"}
    return fields | ({"logging.googleapis.com/spanId": span} if span else {})


def request_trace(headers: Mapping[str, str]) -> dict[str, str]:
    """The trace fields of a request to one of this project's functions (none while the
    settings are broken: the request then fails on them and reports that)."""
    try:
        project = config.get().google_cloud_project
    except ConfigError:
        return {}
    return trace_of(headers, project)


@contextlib.contextmanager
def log_context(
    function: str, trace: Mapping[str, str] | None = None, mailbox: str | None = None
) -> Iterator[None]:
    """Every entry logged inside carries the trace and the function/mailbox labels."""
    labels = {"function": function, **({"mailbox": scrub(mailbox)} if mailbox else {})}
    token = _context.set((*(trace or {}).items(), ("labels", json.dumps(labels))))
    try:
        yield
    finally:
        _context.reset(token)


def scrub(value: Json) -> Json:
    """Mask personal data in a log value and drop credential-like keys from mappings."""
    if isinstance(value, str):
        return _PHONE.sub("[phone]", _EMAIL.sub(r"\1***@\2", value))
    if isinstance(value, dict):
        return {k: _scrub_field(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def _scrub_field(key: str, value: Json) -> Json:
    if _SECRET_KEY.search(key):
        return "[redacted]"
    if _PERSONAL_KEY.match(key) and value:  # a field known to hold personal data
        return "[personal]"
    return scrub(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with ``severity``, ``message``, ``logger`` and fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record; extra fields come from ``extra={"fields": {...}}``."""
        entry: JsonObject = {
            "severity": record.levelname,
            "message": scrub(record.getMessage()),
            "logger": record.name,
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(scrub(fields))
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
            entry["stack_trace"] = scrub(self.formatException(record.exc_info))[-_STACK_CHARS:]
        context = dict(_context.get())
        if "labels" in context:
            entry["logging.googleapis.com/labels"] = json.loads(context.pop("labels"))
        entry.update(context)
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
