"""The API's OpenAPI 3.1 document, generated from the route table and its models (nothing
here describes a shape by hand: a model change changes the document).

Every enumeration the contract names is a component with ``type: string`` (one definition,
referenced wherever it is used); every error status a route can answer is documented with
the error envelope; operations are grouped by the route table's tags.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from http import HTTPStatus

import msgspec

from shared.api.contract import ENUM_TEXT, ID_PATTERN, NAMED_ENUMS
from shared.api.outputs import Error
from shared.api.routing import Route
from shared.types import Json, JsonObject

REF = "#/components/schemas/{name}"
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_ENUM_REFS = {  # msgspec sorts an enumeration's values
    tuple(sorted(values)): {"$ref": REF.format(name=name)} for name, values in NAMED_ENUMS.items()
}
ETAG = {"ETag": {"description": "The lead's version", "schema": {"type": "string"}}}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag the change is based on: a lead changed since is not touched (412)",
    "schema": {"type": "string"},
}


def _path(rule: str) -> str:
    return _PARAM.sub(r"{\2}", rule)


def _json(schema: JsonObject, media: str = "application/json") -> JsonObject:
    return {"content": {media: {"schema": schema}}}


def _named(node: Json) -> Json:
    """``node`` with each string enumeration typed, and a named one as its ``$ref``."""
    if isinstance(node, list):
        return [_named(n) for n in node]
    if not isinstance(node, dict):
        return node
    values = node.get("enum")
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        ref = _ENUM_REFS.get(tuple(sorted(values)))
        if ref is not None:  # siblings of a $ref (a default, a description) stay
            return {**ref, **{k: v for k, v in node.items() if k not in ("enum", "type")}}
        return {**node, "type": "string"}
    return {k: _named(v) for k, v in node.items()}


def _answer(route: Route, refs: dict[type, JsonObject]) -> JsonObject:
    if route.answer is None:  # a streamed body
        return {"description": "The file, streamed", **_json({"type": "string"}, route.media)}
    text = "Accepted: queued for the pipeline" if route.status == 202 else "OK"
    out: JsonObject = {"description": text, **_json(refs[route.answer])}
    if route.answer.__name__ == "Lead":
        out["headers"] = ETAG
    return out


def _operation(route: Route, refs: dict[type, JsonObject], comps: JsonObject) -> Json:
    params: list[Json] = [
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
    if 412 in route.errors:
        params.append(IF_MATCH)
    error = {"$ref": "#/components/responses/Error"}
    op: JsonObject = {
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "description": inspect.cleandoc(route.handler.__doc__ or route.summary),
        "parameters": params,
        "responses": {
            str(route.status): _answer(route, refs),
            **{str(e): error for e in route.statuses},
        },
    }
    if route.body:
        schemas = [refs[kind] for kind in route.body]
        op["requestBody"] = {
            "required": True,
            **_json(schemas[0] if len(schemas) == 1 else {"oneOf": schemas}),
        }
    return op


def _kinds(routes: tuple[Route, ...]) -> list[type]:
    kinds: list[type] = [Error]
    for r in routes:
        kinds += [*([r.answer] if r.answer else []), *r.body, *([r.query] if r.query else [])]
    return list(dict.fromkeys(kinds))


@cache
def build(routes: tuple[Route, ...]) -> JsonObject:
    """The document for ``routes``."""
    kinds = _kinds(routes)
    schemas, comps = msgspec.json.schema_components(kinds, ref_template=REF)
    refs = dict(zip(kinds, schemas, strict=True))
    for kind in kinds:  # a body needing some fields says so
        comps[kind.__name__].setdefault("description", inspect.cleandoc(kind.__doc__ or ""))
        if least := getattr(kind, "min_fields", 0):
            comps[kind.__name__]["minProperties"] = least
    comps = _named(comps)
    paths: JsonObject = {}
    for route in routes:
        paths.setdefault(_path(route.rule), {})[route.method.lower()] = _operation(
            route, refs, comps
        )
    for route in routes:  # query models are parameters, not components
        if route.query is not None:
            comps.pop(route.query.__name__, None)
    for name, values in NAMED_ENUMS.items():
        comps[name] = {"type": "string", "enum": list(values), "description": ENUM_TEXT[name]}
    paths["/openapi.json"] = {
        "get": {
            "tags": ["Meta"],
            "summary": "This document",
            "description": "The API's OpenAPI document (no token needed).",
            "operationId": "openapi",
            "security": [],
            "responses": {
                "200": {"description": "OpenAPI 3.1", **_json({"type": "object"})},
                "404": {"$ref": "#/components/responses/Error"},
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LeadHarvest API",
            "version": "3.0.0",
            "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
            "description": "The CRM frontend's API. Every route needs a Google ID token of an "
            "allowed user; errors use one envelope, `details.fields` naming each field at "
            "fault. JSON names are camelCase. Generated from the API's models.",
        },
        "servers": [{"url": "/", "description": "The API function's URL"}],
        "tags": [
            {"name": tag, "description": f"{tag} routes"}
            for tag in dict.fromkeys([*(r.tag for r in routes), "Meta"])
        ],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": comps,
            "responses": {"Error": {"description": _ERROR_TEXT, **_json(refs[Error])}},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


_ERROR_TEXT = (
    "; ".join(f"{s} {HTTPStatus(s).phrase}" for s in (400, 401, 403, 404, 409, 412, 413, 503))
    + ": the error envelope (`error.code` says which case)"
)
