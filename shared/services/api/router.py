"""Routing, auth, CORS and the error envelope for the API function."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import MethodNotAllowed

from shared.bootstrap import Deps
from shared.errors import NotFoundError, ValidationError
from shared.http import verify_user
from shared.http_errors import envelope, to_http
from shared.logs import get_logger
from shared.services.api.openapi import document
from shared.store.accounts import Account

log = get_logger("api")
Reply = tuple[str, int, dict[str, str]]


@dataclass
class Call:
    """One authenticated request."""

    deps: Deps
    user: str
    params: dict[str, str]
    args: dict[str, str]
    body: Any
    accounts: list[Account] = field(default_factory=list)

    def account(self) -> Account:
        """The caller's connected (or once connected) mailbox; 404 if none."""
        if not self.accounts:
            raise NotFoundError("no mailbox is connected for this user")
        return self.accounts[0]

    def json_body(self) -> dict[str, Any]:
        """The JSON object body; 400 otherwise."""
        if not isinstance(self.body, dict):
            raise ValidationError("request body must be a JSON object")
        return self.body

    def int_arg(self, name: str, default: int, low: int, high: int) -> int:
        """An integer query parameter within bounds; 400 with the field otherwise."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return default
        if not re.fullmatch(r"\d{1,6}", raw) or not low <= int(raw) <= high:
            raise ValidationError(
                f"{name} must be an integer from {low} to {high}",
                details={"fields": {name: f"{low}..{high}"}},
            )
        return int(raw)


Handler = Callable[[Call], tuple[int, Any]]
_DOC_ID = re.compile(r"[A-Za-z0-9_:@.+-]{1,200}")


def doc_id(value: Any, field_name: str) -> str:
    """A value that is safe as a Firestore document id; 400 naming the field otherwise."""
    if (
        not isinstance(value, str)
        or not _DOC_ID.fullmatch(value)
        or value in (".", "..")
        or (value.startswith("__") and value.endswith("__"))
    ):
        raise ValidationError(
            f"{field_name} is not a valid id", details={"fields": {field_name: "invalid id"}}
        )
    return value


class Router:
    """Method + path pattern → handler; every route needs an allowed user."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Register ``pattern`` (``{name}`` segments become parameters)."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[A-Za-z0-9_:@.+-]{1,200})", pattern)
        self.routes.append((method, re.compile(f"^{regex}$"), handler))

    def dispatch(
        self,
        deps: Deps,
        method: str,
        path: str,
        headers: Any,
        args: dict[str, str],
        raw_body: bytes,
    ) -> tuple[int, Any]:
        """Run the matching route; raises project errors for the envelope."""
        matched = [(m, p.match(path), h) for m, p, h in self.routes if p.match(path)]
        if not matched:
            raise NotFoundError("no such route")
        route = next(((m, h) for m, h in ((m, h) for m, _, h in matched) if m == method), None)
        if route is None:
            raise MethodNotAllowed()
        user = verify_user(deps, headers.get("Authorization"))
        params = next(match.groupdict() for m, match, _ in matched if m == method and match)
        body: Any = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ValidationError("request body is not JSON") from exc
        accounts = [a for a in deps.accounts.owned_by(user)]
        return route[1](Call(deps, user, params, args, body, accounts))


def cors_headers(deps: Deps, origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (none for others)."""
    if not origin or origin not in deps.settings.csv("FRONTEND_ORIGINS"):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Allow-Methods": "GET, POST, PATCH, OPTIONS",
        "Access-Control-Max-Age": "3600",
    }


def handle(
    deps: Deps,
    router: Router,
    method: str,
    path: str,
    headers: Any,
    args: dict[str, str],
    raw_body: bytes,
) -> Reply:
    """One HTTP request to the API: preflight, routing, errors as the envelope."""
    cors = cors_headers(deps, headers.get("Origin"))
    base = {"Content-Type": "application/json", **cors}
    if method == "OPTIONS":
        if headers.get("Origin") and not cors:
            return _json(envelope("permission_denied", "origin not allowed"), 403, base)
        return "", 204, cors
    if method == "GET" and path.rstrip("/") == "/openapi.json":  # public: the API's description
        return _json(document(), 200, base)
    try:
        status, body = router.dispatch(
            deps, method, path.rstrip("/") or "/", headers, args, raw_body
        )
    except Exception as exc:  # noqa: BLE001 - to_http logs bugs with their stack
        status, envelope_body = to_http(exc)
        return _json(envelope_body, status, base)
    return _json(body, status, base)


def _json(body: Any, status: int, headers: dict[str, str]) -> Reply:
    return json.dumps(body, default=str), status, headers
