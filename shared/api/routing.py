"""Routes as data: method, werkzeug rule, handler and the models of its query, body and
answer. Routing (404/405) is werkzeug's; decoding and validation are msgspec's
(``decoding.py``); the OpenAPI document is generated from the same table (``openapi.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar, overload

import msgspec
from msgspec import UNSET
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.routing import ValidationError as RoutingValidationError

from shared.api.contract import ID_PATTERN
from shared.api.inputs import Body, Query
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
    ReachesGmail,
    SharesQuota,
    Verifies,
)
from shared.records import Account
from shared.types import Json

if TYPE_CHECKING:
    from shared.gmail.gateway import Gmail
    from shared.store.lead_queries import LeadQueries

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")


class QueriesLeads(Protocol):
    @property
    def lead_queries(self) -> LeadQueries: ...


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
    SharesQuota,
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
