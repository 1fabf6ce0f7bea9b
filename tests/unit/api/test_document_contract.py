"""The served document as generators read it: named, typed enumerations; one casing; every
error a route can answer documented with the envelope; tags and descriptions everywhere."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from shared.api.app import ROUTES, document
from shared.api.contract import NAMED_ENUMS

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_every_enumeration_is_typed_and_the_named_ones_are_referenced() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]
    for name, values in NAMED_ENUMS.items():
        assert {k: schemas[name][k] for k in ("type", "enum")} == {
            "type": "string",
            "enum": list(values),
        }
    for node in _walk(doc):
        if "enum" in node:
            assert node.get("type") == "string", node
    referenced = {n["$ref"].rsplit("/", 1)[1] for n in _walk(doc["paths"]) if "$ref" in n}
    referenced |= {n["$ref"].rsplit("/", 1)[1] for n in _walk(schemas) if "$ref" in n}
    assert set(NAMED_ENUMS) <= referenced, set(NAMED_ENUMS) - referenced
    inline = [
        n
        for n in _walk({k: v for k, v in schemas.items() if k not in NAMED_ENUMS})
        if sorted(n.get("enum") or []) in [sorted(v) for v in NAMED_ENUMS.values()]
    ]
    assert not inline, "a named enumeration is repeated inline"


def test_one_casing_for_every_json_name_and_parameter() -> None:
    doc = document()
    for name, schema in doc["components"]["schemas"].items():
        for prop in schema.get("properties", {}):
            assert CAMEL.match(prop), f"{name}.{prop}"
    for path, ops in doc["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] != "header":
                    assert CAMEL.match(param["name"]), f"{path} {param['name']}"


def test_every_error_a_route_answers_is_documented_with_the_envelope() -> None:
    doc = document()
    envelope = doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
    assert envelope == {"$ref": "#/components/schemas/Error"}
    details = doc["components"]["schemas"]["ErrorDetails"]["properties"]["fields"]
    assert details == {"type": "object", "additionalProperties": {"type": "string"}}
    for route in ROUTES:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.rule)
        op = doc["paths"][path][route.method.lower()]
        documented = {int(s) for s in op["responses"]}
        assert {400, 401, 403, 404, 503, route.status} <= documented, (path, documented)
        if route.body:
            assert 413 in documented, path
        uses_gmail = "call.gmail()" in _source(route.handler)
        assert not uses_gmail or 409 in documented, f"{path} reaches Gmail: 409 undocumented"
        assert op["tags"] and op["description"] and op["summary"], path


def test_every_body_and_answer_is_a_named_component_with_a_description() -> None:
    doc = document()
    for route in ROUTES:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.rule)
        op = doc["paths"][path][route.method.lower()]
        answer = op["responses"][str(route.status)]["content"]
        for media in answer.values():
            schema = media["schema"]
            assert "$ref" in schema or route.media != "application/json", path
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        refs = body.get("schema", {}).get("oneOf", [body.get("schema")]) if body else []
        assert all("$ref" in r for r in refs), path
    for name, schema in doc["components"]["schemas"].items():
        if name not in NAMED_ENUMS:
            assert schema.get("description"), f"{name} has no description"


def _source(handler: Any) -> str:
    return inspect.getsource(handler)


def test_every_time_is_a_date_time() -> None:
    doc = document()
    times = [
        (name, prop, spec)
        for name, schema in doc["components"]["schemas"].items()
        for prop, spec in schema.get("properties", {}).items()
        if prop.endswith("At") or prop in ("at", "watchExpiration")
    ]
    assert len(times) > 10
    for name, prop, spec in times:
        kinds = spec.get("anyOf", [spec])
        assert {"type": "string", "format": "date-time"} in kinds, f"{name}.{prop}: {spec}"
