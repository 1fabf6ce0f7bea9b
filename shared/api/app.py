"""The API: one route table, werkzeug routing, ID-token auth, CORS, msgspec models, and the
generated OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import msgspec
from werkzeug.exceptions import MethodNotAllowed, RequestEntityTooLarge

from shared.api import (
    correction_routes,
    gmail_routes,
    lead_edit_routes,
    lead_routes,
    openapi,
    processing_routes,
)
from shared.api.contract import encode_hook
from shared.api.decoding import decode_body, decode_query
from shared.api.inputs import Query
from shared.api.routing import ApiPorts, Call, Route, build_map
from shared.errors import InvalidGrantError
from shared.http import RequestHeaders, verify_user
from shared.http_errors import envelope, to_http
from shared.services.mailbox.account_state import mark_needs_reauth
from shared.types import JsonObject

Reply = tuple[bytes | Iterator[bytes], int, dict[str, str]]
BODY_MAX = 256 * 1024  # the largest body (1,000 message ids) is ~25 KiB
ROUTES: tuple[Route, ...] = (
    *gmail_routes.ROUTES,
    *processing_routes.ROUTES,
    *lead_routes.ROUTES,
    *lead_edit_routes.ROUTES,
    *correction_routes.ROUTES,
)
URLS = build_map(list(ROUTES))
_encoder = msgspec.json.Encoder(enc_hook=encode_hook)


def document() -> JsonObject:
    """The served OpenAPI document."""
    return openapi.build(ROUTES)


def cors_headers(deps: ApiPorts, origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (none for others)."""
    if not origin or origin not in deps.settings.frontend_origins:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, If-Match",
        "Access-Control-Expose-Headers": "ETag, Content-Disposition",
        "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
        "Access-Control-Max-Age": "3600",
    }


@dataclass(frozen=True)
class Request:
    """One HTTP request to the API, as the entry point received it."""

    method: str
    path: str
    headers: RequestHeaders
    args: Mapping[str, str]
    raw: bytes | None  # None: the body is over ``BODY_MAX`` and was not read


def _dispatch(deps: ApiPorts, request: Request) -> tuple[Route, Call, object]:
    if request.raw is None or len(request.raw) > BODY_MAX:  # before the caller's token
        raise RequestEntityTooLarge(f"request bodies are at most {BODY_MAX} bytes")
    endpoint, params = URLS.bind("api").match(request.path, method=request.method)
    route = ROUTES[endpoint]
    user = verify_user(deps, request.headers.get("Authorization"))
    call = Call(deps, user, deps.accounts.owned_by(user), {k: str(v) for k, v in params.items()})
    call.headers = {"If-Match": request.headers.get("If-Match") or ""}
    call.query = decode_query(route.query or Query, request.args)
    if route.body:
        call.body = decode_body(route.body, request.raw)  # bytes: checked above
    try:
        return route, call, route.handler(call)
    except InvalidGrantError as exc:  # health says so at once, not at the next sync
        if call.chosen is not None and call.chosen.state == "connected":
            mark_needs_reauth(deps, call.chosen, str(exc))
        raise


def serve(deps: ApiPorts, request: Request) -> Reply:
    """Answer one API request: preflight, the document, a route, or the error envelope."""
    cors = cors_headers(deps, request.headers.get("Origin"))
    base = {"Content-Type": "application/json", **cors}
    if request.method == "OPTIONS":
        if request.headers.get("Origin") and not cors:
            return _encoder.encode(envelope("permission_denied", "origin not allowed")), 403, base
        return b"", 204, cors
    if (
        request.method == "GET" and request.path.rstrip("/") == "/openapi.json"
    ):  # public: the API's description
        return _encoder.encode(document()), 200, base
    try:
        route, call, answer = _dispatch(deps, request)
    except Exception as exc:  # noqa: BLE001 - to_http logs bugs with their stack
        code, body = to_http(exc)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            base["Allow"] = ", ".join(exc.valid_methods)
        return _encoder.encode(body), code, base
    headers = {**base, **call.out, "Content-Type": route.media}
    if isinstance(answer, msgspec.Struct):
        return _encoder.encode(answer), route.status, headers
    assert isinstance(answer, Iterator)
    return answer, route.status, headers
