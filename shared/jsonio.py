"""JSON from outside, bounded: size checked before parsing, nesting cut by the parser's
recursion limit, every failure a :class:`MalformedPayloadError` (never a 500)."""

from __future__ import annotations

import msgspec

from shared.errors import MalformedPayloadError
from shared.types import Json

PUSH_BODY_MAX = 64 * 1024  # a Pub/Sub push of a Gmail notification or a job is < 2 KiB
# What msgspec raises for input that is not JSON it can hold: bad syntax, nesting past the
# recursion limit, invalid UTF-8 in a string (surrogates, overlong and 5-byte sequences),
# numbers out of range
JSON_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError)


def decode_json(raw: bytes | str, max_bytes: int) -> Json:
    """The parsed value of ``raw``; too large, too deep or not JSON is malformed."""
    if len(raw) > max_bytes:
        raise MalformedPayloadError(f"body larger than {max_bytes} bytes")
    try:
        return msgspec.json.decode(raw)
    except JSON_ERRORS as exc:
        raise MalformedPayloadError("body is not JSON (or not UTF-8), or nested too deep") from exc
