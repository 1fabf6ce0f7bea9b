"""In-memory Gmail, publisher and secret store."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from infra.local.fake_google.parts import part_tree
from shared.errors import LeadHarvestError, MessageGoneError, NotFoundError
from shared.events import ChunkJob, SyncJob
from shared.gmail.errors import HistoryGoneError
from shared.gmail.full import rebuild
from shared.types import JsonObject


@dataclass
class Mail:
    raw: bytes
    labels: set[str]
    history_id: int


@dataclass
class Gmail:
    """One mailbox: messages with labels and a history; ``fail`` answers chosen ids with an
    error (or a function of the attempt), ``calls`` counts each method."""

    address: str = "landlord@example.com"
    messages: dict[str, Mail] = field(default_factory=dict)
    history_id: int = 100
    min_history_id: int = 0
    fail: dict[str, Callable[[int], LeadHarvestError | None]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # label id -> name, where they differ
    requests: list[list[str]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, raw: bytes, *labels: str) -> str:
        """Deliver an email; returns its id."""
        gmail_id = f"m{next(self._ids):04d}"
        self.history_id += 2
        self.messages[gmail_id] = Mail(raw, set(labels), self.history_id)
        return gmail_id

    def _count(self, name: str) -> int:
        self.calls[name] = self.calls.get(name, 0) + 1
        return self.calls[name]

    def profile(self) -> tuple[str, int]:
        self._count("getProfile")
        return self.address, self.history_id

    def labels(self) -> list[JsonObject]:
        ids = sorted({name for m in self.messages.values() for name in m.labels} | set(self.names))
        return [{"id": i, "name": self.names.get(i, i), "type": "user"} for i in ids]

    def label(self, label_id: str) -> JsonObject:
        self._count("labels.get")
        inside = [m for m in self.messages.values() if label_id in m.labels]
        return {"id": label_id, "name": label_id, "messagesTotal": len(inside)}

    def list_ids(
        self, label_id: str | None, q: str | None = None, limit: int | None = None
    ) -> list[str]:
        self._count("messages.list")
        ids = [i for i, m in self.messages.items() if label_id is None or label_id in m.labels]
        return list(reversed(ids))[:limit]

    def list_page(
        self, label_id: str | None, q: str | None, page_token: str | None, max_results: int
    ) -> JsonObject:
        ids = self.list_ids(label_id)
        start = int(page_token or 0)
        page: JsonObject = {"messages": [{"id": i} for i in ids[start : start + max_results]]}
        if start + max_results < len(ids):
            page["nextPageToken"] = str(start + max_results)
        return page

    def history_ids(self, start: int, label_id: str) -> tuple[list[str], int]:
        self._count("history.list")
        if start < self.min_history_id:
            raise HistoryGoneError(f"history id {start} is no longer available")
        found = [
            i for i, m in self.messages.items() if m.history_id > start and label_id in m.labels
        ]
        return found, self.history_id

    def _answer(self, gmail_id: str) -> LeadHarvestError | None:
        failing = self.fail.get(gmail_id)
        return failing(self._count(f"get:{gmail_id}")) if failing else None

    def _gets(
        self, ids: list[str], fmt: str, content: Callable[[bytes], bytes]
    ) -> dict[str, bytes | LeadHarvestError]:
        """``messages.get`` in ``fmt`` for each id: its ``content`` or the answer's error."""
        self.requests.append(list(ids))
        out: dict[str, bytes | LeadHarvestError] = {}
        for gmail_id in ids:
            self._count(f"read.{fmt}")
            error = self._answer(gmail_id)
            mail = self.messages.get(gmail_id)
            out[gmail_id] = error or (content(mail.raw) if mail else MessageGoneError("gone"))
        return out

    def get_raw_many(self, ids: list[str]) -> dict[str, bytes | LeadHarvestError]:
        return self._gets(ids, "raw", lambda raw: raw)

    def get_full_many(
        self, ids: list[str], max_text_bytes: int
    ) -> dict[str, bytes | LeadHarvestError]:
        return self._gets(
            ids, "full", lambda raw: rebuild({"payload": part_tree(raw)}, max_text_bytes)
        )

    def labels_many(self, ids: list[str]) -> dict[str, frozenset[str] | LeadHarvestError]:
        out: dict[str, frozenset[str] | LeadHarvestError] = {}
        for gmail_id in ids:
            self._count("read.minimal")
            mail = self.messages.get(gmail_id)
            out[gmail_id] = frozenset(mail.labels) if mail else MessageGoneError("gone")
        return out

    def metadata_many(self, ids: list[str]) -> dict[str, JsonObject | LeadHarvestError]:
        return {i: self.get_metadata(i) for i in ids}

    def get_metadata(self, gmail_id: str) -> JsonObject:
        self._count("read.metadata")
        return {"id": gmail_id, "labelIds": sorted(self.messages[gmail_id].labels)}

    def oversized_ids(self, label_id: str, min_bytes: int, limit: int) -> set[str]:
        self._count("search.larger")
        return {
            i for i, m in self.messages.items() if label_id in m.labels and len(m.raw) > min_bytes
        }

    def watch(self, topic: str, label_id: str) -> tuple[int, datetime]:
        self._count("watch")
        return self.history_id, datetime.now(UTC) + timedelta(days=7)

    def stop(self) -> None:
        self._count("stop")


@dataclass
class Publisher:
    """Jobs published, by topic."""

    jobs: list[tuple[str, SyncJob | ChunkJob]] = field(default_factory=list)

    def publish(self, topic: str, jobs: Sequence[SyncJob | ChunkJob]) -> None:
        self.jobs += [(topic, job) for job in jobs]

    def chunks(self) -> list[ChunkJob]:
        """The chunk jobs published so far, in order."""
        return [j for _, j in self.jobs if isinstance(j, ChunkJob)]

    def take(self) -> list[ChunkJob]:
        """The chunk jobs published so far; forgets them."""
        out = self.chunks()
        self.jobs.clear()
        return out


@dataclass
class Secrets:
    """Secrets by name."""

    values: dict[str, str] = field(default_factory=dict)

    def put(self, mailbox: str, value: str) -> str:
        name = f"gmail-refresh-{mailbox.replace('@', '-at-')}"
        self.values[name] = value
        return name

    def get(self, name: str) -> str:
        if name not in self.values:
            raise NotFoundError(f"secret {name} not found")
        return self.values[name]

    def delete(self, name: str) -> None:
        self.values.pop(name, None)
