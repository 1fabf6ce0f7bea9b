"""A page of messages inside the quota: a busy mailbox gets a shorter page whose token
resumes exactly where it stopped, so following tokens lists every message once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from shared.errors import LeadHarvestError, QuotaBusyError, ValidationError
from shared.services.mailbox.browse import Cursor, browse
from shared.types import JsonObject

IDS = [f"m{n:03d}" for n in range(230)]


@dataclass
class PagedGmail:
    """Gmail's list pages over IDS (its page token: the next offset)."""

    metadata_calls: int = 0

    def list_page(
        self, label_id: str | None, q: str | None, page_token: str | None, max_results: int
    ) -> JsonObject:
        start = int(page_token or 0)
        page: JsonObject = {"messages": [{"id": i} for i in IDS[start : start + max_results]]}
        if start + max_results < len(IDS):
            page["nextPageToken"] = str(start + max_results)
        return page

    def metadata_many(self, ids: list[str]) -> dict[str, JsonObject | LeadHarvestError]:
        self.metadata_calls += len(ids)
        return {i: {"id": i, "snippet": i} for i in ids}


@dataclass
class Quota:
    """Blocks of 25 units; refuses once ``free`` blocks are spent."""

    free: int
    block_units: int = 25
    asked: list[float] = field(default_factory=list)

    def acquire(self, mailbox: str, units: int, max_wait_s: float | None = None) -> float:
        self.asked.append(max_wait_s or 0)
        if self.free <= 0:
            raise QuotaBusyError("busy")
        self.free -= 1
        return 0.0


@dataclass
class Deps:
    quota: Quota


def _all(deps: Deps, gmail: PagedGmail, max_results: int) -> tuple[list[str], int]:
    seen: list[str] = []
    token, pages = None, 0
    while True:
        listed, token = browse(deps, "a@example.com", gmail, (None, None), token, max_results)  # type: ignore[arg-type]
        seen += [m["id"] for m, _ in listed]
        pages += 1
        deps.quota.free = 7  # the quota frees up between calls
        if token is None:
            return seen, pages


def test_a_free_quota_serves_the_whole_page() -> None:
    deps, gmail = Deps(Quota(free=100)), PagedGmail()
    listed, token = browse(deps, "a@example.com", gmail, (None, None), None, 100)  # type: ignore[arg-type]
    assert [m["id"] for m, _ in listed] == IDS[:100]
    assert Cursor.decode(token) == Cursor("100", 0)
    assert all(isinstance(meta, dict) for _, meta in listed)


def test_a_busy_quota_ends_the_page_early_and_the_token_resumes_there() -> None:
    deps, gmail = Deps(Quota(free=3)), PagedGmail()  # 3 blocks of 5 messages
    listed, token = browse(deps, "a@example.com", gmail, (None, None), None, 100)  # type: ignore[arg-type]
    assert [m["id"] for m, _ in listed] == IDS[:15]
    assert Cursor.decode(token) == Cursor(None, 15)
    assert deps.quota.asked[-1] > 0  # each block may wait only briefly


def test_following_the_tokens_lists_every_message_once_however_busy() -> None:
    deps, gmail = Deps(Quota(free=2)), PagedGmail()
    seen, pages = _all(deps, gmail, 100)
    assert seen == IDS
    assert gmail.metadata_calls == len(IDS)  # no header read twice
    assert pages > 3  # the busy quota made pages shorter


@pytest.mark.parametrize("token", ["%%%", "bm90IGpzb24", "eyJ4IjogMX0"])
def test_a_token_this_api_never_gave_is_a_validation_error(token: str) -> None:
    with pytest.raises(ValidationError):
        Cursor.decode(token)
