"""Routes as data: method, werkzeug rule, handler and the models of its query, body and
answer. Routing (404/405) is werkzeug's; decoding and validation are msgspec's; the OpenAPI
document is generated from the same table (``openapi.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar, overload

import msgspec
from msgspec import UNSET
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.routing import ValidationError as RoutingValidationError

from shared.errors import (
    InvalidGrantError,
    NotConnectedError,
    NotFoundError,
    ValidationError,
)
from shared.ids import is_doc_id
from shared.ports import (
    Configured,
    HoldsAccounts,
    HoldsBatches,
    HoldsLeads,
    HoldsOAuthStates,
    HoldsPending,
    HoldsRetries,
    HoldsSecrets,
    Publishes,
    QueriesLeads,
    ReachesGmail,
    Verifies,
)
from shared.services.api.contract import ID_PATTERN
from shared.services.api.inputs import Body, Query
from shared.store.accounts import Account
from shared.types import Json, JsonObject

if TYPE_CHECKING:
    from shared.gmail.gateway import Gmail

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")


class ApiPorts(
    Configured,
    Verifies,
    Publishes,
    HoldsAccounts,
    HoldsBatches,
    HoldsRetries,
    HoldsLeads,
    QueriesLeads,
    HoldsOAuthStates,
    HoldsPending,
    HoldsSecrets,
    ReachesGmail,
    Protocol,
):
    """What the API's routes use of the composition root."""


class IdConverter(BaseConverter):
    """A path segment that is a safe document id (reserved names match no route: 404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> str:
        """The id, if Firestore may store it."""
        if not is_doc_id(value):
            raise RoutingValidationError()
        return value


@dataclass
class Call:
    """One authenticated request, decoded; ``out`` holds headers the answer carries."""

    deps: ApiPorts
    user: str
    accounts: list[Account]
    params: dict[str, str]
    query: Query | None = None
    body: Body | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    out: dict[str, str] = field(default_factory=dict)
    chosen: Account | None = None

    def account(self) -> Account:
        """The mailbox the request is about: the ``mailbox`` parameter (404 unless it is the
        caller's), else the caller's only mailbox (404 if none, 400 naming them if several)."""
        self.chosen = self._account()
        return self.chosen

    def _account(self) -> Account:
        chosen = getattr(self.query, "mailbox", UNSET)
        if isinstance(chosen, str):
            match = [a for a in self.accounts if a.mailbox == chosen.lower()]
            if not match:
                raise NotFoundError("no such mailbox for this user")
            return match[0]
        live = [a for a in self.accounts if a.state != "disconnected"] or self.accounts
        if not live:
            raise NotFoundError("no mailbox is connected for this user")
        if len(live) > 1:
            names = ", ".join(sorted(a.mailbox for a in live))
            raise ValidationError(
                "several mailboxes: say which with ?mailbox=",
                details={"fields": {"mailbox": f"one of {names}"}},
            )
        return live[0]

    def gmail(self) -> Gmail:
        """Gmail for the request's mailbox (409 when it is disconnected or needs consent)."""
        account = self.account()
        if account.state in ("disconnected", "disconnecting"):
            raise NotConnectedError("this mailbox is disconnected: connect it again")
        if account.state == "needs_reauth":
            raise InvalidGrantError("Google access to this mailbox was revoked")
        return self.deps.gmail_for(account)

    def query_as(self, kind: type[T]) -> T:
        """The decoded query, as the route declared it."""
        assert isinstance(self.query, kind)
        return self.query

    @overload
    def body_as(self, kind: type[T], /) -> T: ...
    @overload
    def body_as(self, kind: type[T], other: type[U], /) -> T | U: ...
    @overload
    def body_as(self, kind: type[T], other: type[U], third: type[V], /) -> T | U | V: ...
    def body_as(self, *kinds: type[Json]) -> Json:
        """The decoded body, one of the models the route declared."""
        assert isinstance(self.body, kinds)
        return self.body


Handler = Callable[[Call], "msgspec.Struct | Iterator[bytes]"]


# Every route may answer these: bad input, no or a forged token, a user not allowed, an
# unknown resource, and the store or Google busy (the error envelope each time)
COMMON_ERRORS = (400, 401, 403, 404, 503)
GMAIL_ERRORS = (409,)  # routes reaching Gmail: disconnected, or access revoked


@dataclass(frozen=True)
class Route:
    """One operation of the API (``tag``: its group in the document; ``media``: a body
    other than JSON, streamed)."""

    method: str
    rule: str
    handler: Handler
    summary: str
    answer: type[msgspec.Struct] | None
    tag: str
    status: int = 200
    query: type[Query] | None = None
    body: tuple[type[Body], ...] = ()
    errors: tuple[int, ...] = ()
    media: str = "application/json"

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every error status the route may answer with, in order."""
        extra = (413,) if self.body else ()
        return tuple(sorted({*COMMON_ERRORS, *self.errors, *extra}))


def build_map(routes: list[Route]) -> Map:
    """werkzeug's URL map of the routes (endpoint = index in the table)."""
    return Map(
        [Rule(r.rule, methods=[r.method], endpoint=i) for i, r in enumerate(routes)],
        converters={"id": IdConverter},
        strict_slashes=False,
    )


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
    except (msgspec.DecodeError, RecursionError) as exc:
        raise ValidationError("request body is not JSON, or nested too deep") from exc
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
