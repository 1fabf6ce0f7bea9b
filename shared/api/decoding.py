"""Query parameters and JSON bodies decoded into the route's models by msgspec; a failure is
a 400 whose ``details.fields`` names each field at fault with what is wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec

from shared.api.inputs import Body, Query
from shared.errors import ValidationError
from shared.jsonio import JSON_ERRORS
from shared.types import Json, JsonObject

_AT = re.compile(r" - at `\$\.?(\w*)")
_FIELD = re.compile(r"field `(\w+)`")


def _invalid(exc: msgspec.ValidationError, fields: dict[str, str]) -> ValidationError:
    text = str(exc)
    where = _AT.search(text) or _FIELD.search(text)
    message = _AT.split(text)[0]
    fields[(where.group(1) if where else "") or "body"] = message
    return ValidationError("invalid request", details={"fields": fields})


def decode_query(kind: type[Query], args: Mapping[str, str]) -> Query:
    """Query parameters as ``kind`` (empty values count as absent); 400 naming the field."""
    given = {k: v for k, v in args.items() if v != ""}
    try:
        return msgspec.convert(given, type=kind, strict=False)
    except msgspec.ValidationError as exc:
        raise _invalid(exc, {}) from exc


def _names(kind: type[Body]) -> set[str]:
    return {f.encode_name for f in msgspec.structs.fields(kind)}


def _fit(kind: type[Body], data: JsonObject) -> tuple[bool, int]:
    """How well a body fits a model: all its required fields given, then shared names."""
    required = {f.encode_name for f in msgspec.structs.fields(kind) if f.required}
    return required <= set(data), len(_names(kind) & set(data))


def _integral(value: Json) -> Json:
    """JSON Schema counts 2.0 as an integer; so does the API."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    return value


def decode_body(kinds: tuple[type[Body], ...], raw: bytes) -> Body:
    """The JSON body as the one model it matches; 400 naming the fields otherwise."""
    try:
        data = _integral(msgspec.json.decode(raw)) if raw else None
    except JSON_ERRORS as exc:
        raise ValidationError("request body is not UTF-8 JSON, or nested too deep") from exc
    if not isinstance(data, dict):
        raise ValidationError("request body must be a JSON object", details={"fields": {}})
    # the model sharing the most names with the body explains the error best
    kind = max(kinds, key=lambda k: (*_fit(k, data), -kinds.index(k)))
    unknown = {k: "unknown field" for k in data if k not in _names(kind)}
    if len(data) < kind.min_fields:
        raise ValidationError(
            "give at least one field", details={"fields": {n: "optional" for n in _names(kind)}}
        )
    try:
        body = msgspec.convert({k: v for k, v in data.items() if k not in unknown}, type=kind)
    except msgspec.ValidationError as exc:
        raise _invalid(exc, unknown) from exc
    if unknown:
        raise ValidationError("invalid request", details={"fields": unknown})
    return body
