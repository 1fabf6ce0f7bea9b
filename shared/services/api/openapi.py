"""The API's OpenAPI 3.1 document, generated from the route table and its models (nothing
here describes a shape by hand: a model change changes the document)."""

from __future__ import annotations

import inspect
import re
from functools import cache

import msgspec

from shared.services.api.contract import ID_PATTERN
from shared.services.api.outputs import Error
from shared.services.api.routing import Route
from shared.types import Json, JsonObject

REF = "#/components/schemas/{name}"
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str) -> str:
    return _PARAM.sub(r"{\2}", rule)


def _json(schema: JsonObject) -> JsonObject:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(route: Route, refs: dict[type, JsonObject], comps: JsonObject) -> Json:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": f"^{ID_PATTERN}$"},
        }
        for _, name in _PARAM.findall(route.rule)
    ]
    if route.query is not None:
        spec = comps[route.query.__name__]
        params += [
            {"name": name, "in": "query", "required": name in spec["required"], "schema": schema}
            for name, schema in spec["properties"].items()
        ]
    op: JsonObject = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "description": inspect.cleandoc(route.handler.__doc__ or route.summary),
        "parameters": params,
        "responses": {
            str(route.status): {
                "description": "Accepted: queued for the pipeline" if route.status == 202 else "OK",
                **_json(refs[route.answer]),
            },
            **{str(e): {"description": "Error", **_json(refs[Error])} for e in route.errors},
        },
    }
    if route.body:
        schemas = [refs[kind] for kind in route.body]
        op["requestBody"] = {
            "required": True,
            **_json(schemas[0] if len(schemas) == 1 else {"oneOf": schemas}),
        }
    return op


@cache
def build(routes: tuple[Route, ...]) -> JsonObject:
    """The document for ``routes``."""
    kinds: list[type] = [Error]
    for r in routes:
        kinds += [r.answer, *r.body, *([r.query] if r.query else [])]
    kinds = list(dict.fromkeys(kinds))
    schemas, comps = msgspec.json.schema_components(kinds, ref_template=REF)
    refs = dict(zip(kinds, schemas, strict=True))
    for kind in kinds:  # a body needing some fields says so
        if least := getattr(kind, "min_fields", 0):
            comps[kind.__name__]["minProperties"] = least
    paths: JsonObject = {}
    for route in routes:
        paths.setdefault(_path(route.rule), {})[route.method.lower()] = _operation(
            route, refs, comps
        )
    for route in routes:  # query models are parameters, not components
        if route.query is not None:
            comps.pop(route.query.__name__, None)
    paths["/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", **_json({"type": "object"})}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LeadHarvest API",
            "version": "2.0.0",
            "description": "The CRM frontend's API. Every route needs a Google ID token of an "
            "allowed user; errors use one envelope. Generated from the API's models.",
        },
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": comps,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
