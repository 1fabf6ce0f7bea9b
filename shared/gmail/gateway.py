"""The Gmail operations the services use, behind a small Protocol."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from shared.backoff import Backoff
from shared.errors import GmailRateLimitError, LeadHarvestError, MessageGoneError
from shared.gmail.client import new_batch
from shared.gmail.errors import HistoryGoneError, map_error
from shared.gmail.full import rebuild
from shared.types import JsonObject, Sdk

BATCH_MAX = 50
SHORT_WAITS = Backoff(base_s=0.25, cap_s=2.0, attempts=5)  # a plain call meeting a rate limit
METADATA_HEADERS = ["From", "Subject", "Date"]
T = TypeVar("T")
PAGE = 500


class Gmail(Protocol):
    """What the pipeline needs from one mailbox."""

    def profile(self) -> tuple[str, int]: ...  # (address, history id)
    def labels(self) -> list[JsonObject]: ...
    def label(self, label_id: str) -> JsonObject: ...
    def list_ids(
        self, label_id: str | None, q: str | None = None, limit: int | None = None
    ) -> list[str]: ...
    def list_page(
        self, label_id: str | None, q: str | None, page_token: str | None, max_results: int
    ) -> JsonObject: ...
    def history_ids(self, start: int, label_id: str) -> tuple[list[str], int]: ...
    def get_raw_many(self, ids: list[str]) -> dict[str, bytes | LeadHarvestError]: ...
    def get_full_many(
        self, ids: list[str], max_text_bytes: int
    ) -> dict[str, bytes | LeadHarvestError]: ...
    def labels_many(self, ids: list[str]) -> dict[str, frozenset[str] | LeadHarvestError]: ...
    def metadata_many(self, ids: list[str]) -> dict[str, JsonObject | LeadHarvestError]: ...
    def oversized_ids(self, label_id: str, min_bytes: int, limit: int) -> set[str]: ...
    def get_metadata(self, gmail_id: str) -> JsonObject: ...
    def watch(self, topic: str, label_id: str) -> tuple[int, datetime]: ...
    def stop(self) -> None: ...


def normalise_label(name: str) -> str:
    """Compare label names ignoring case, spaces, hyphens and underscores."""
    return re.sub(r"[\s_-]+", "", name).lower()


class GoogleGmail:
    """:class:`Gmail` over google-api-python-client; errors mapped at this boundary."""

    def __init__(self, service: Sdk, endpoint: str) -> None:
        self._users = service.users()
        self._endpoint = endpoint

    def _run(self, request: Sdk, what: str) -> Sdk:
        """Execute; a rate limit without a time to wait for is tried again shortly (the
        pipeline may be using the mailbox's whole quota), a longer hold is raised."""

        def once() -> Sdk:
            try:
                return request.execute(num_retries=0)
            except Exception as exc:
                raise map_error(exc, what) from exc

        return SHORT_WAITS.call(
            once,
            (GmailRateLimitError,),
            retry_if=lambda exc: isinstance(exc, GmailRateLimitError) and exc.retry_at is None,
        )

    def profile(self) -> tuple[str, int]:
        """The mailbox address and its current history id."""
        data = self._run(self._users.getProfile(userId="me"), "getProfile")
        return str(data["emailAddress"]).lower(), int(data["historyId"])

    def labels(self) -> list[JsonObject]:
        """Every label of the mailbox."""
        return list(self._run(self._users.labels().list(userId="me"), "labels.list")["labels"])

    def label(self, label_id: str) -> JsonObject:
        """One label with its message counts."""
        return dict(self._run(self._users.labels().get(userId="me", id=label_id), "labels.get"))

    def list_page(
        self, label_id: str | None, q: str | None, page_token: str | None, max_results: int
    ) -> JsonObject:
        """One page of messages.list."""
        kwargs: JsonObject = {"userId": "me", "maxResults": max_results}
        if label_id:
            kwargs["labelIds"] = [label_id]
        if q:
            kwargs["q"] = q
        if page_token:
            kwargs["pageToken"] = page_token
        return dict(self._run(self._users.messages().list(**kwargs), "messages.list"))

    def list_ids(
        self, label_id: str | None, q: str | None = None, limit: int | None = None
    ) -> list[str]:
        """Every message id in the label (all pages), newest first, up to ``limit``."""
        ids: list[str] = []
        token = None
        while limit is None or len(ids) < limit:
            page = self.list_page(label_id, q, token, PAGE)
            ids += [m["id"] for m in page.get("messages", [])]
            if not (token := page.get("nextPageToken")):
                break
        return ids[:limit] if limit is not None else ids

    def history_ids(self, start: int, label_id: str) -> tuple[list[str], int]:
        """Ids added to the label since ``start`` (all pages) and the newest history id."""
        ids: dict[str, None] = {}
        token, latest = None, start
        while True:
            request = self._users.history().list(
                userId="me",
                startHistoryId=start,
                labelId=label_id,
                pageToken=token,
                historyTypes=["messageAdded", "labelAdded"],
                maxResults=PAGE,
            )
            try:
                page = self._run(request, "history.list")
            except MessageGoneError as exc:
                raise HistoryGoneError(f"history id {start} is no longer available") from exc
            latest = max(latest, int(page.get("historyId", latest)))
            for entry in page.get("history", []):
                for item in entry.get("messagesAdded", []) + entry.get("labelsAdded", []):
                    if label_id in item["message"].get("labelIds", [label_id]):
                        ids[item["message"]["id"]] = None
            if not (token := page.get("nextPageToken")):
                return list(ids), latest

    def _get_many(
        self, ids: list[str], fmt: str, convert: Callable[[Sdk], T]
    ) -> dict[str, T | LeadHarvestError]:
        """``messages.get`` in ``fmt`` for each id, in batch requests of ``BATCH_MAX``."""
        out: dict[str, T | LeadHarvestError] = {}

        def collect(request_id: str, response: Sdk, exc: Exception | None) -> None:
            out[request_id] = map_error(exc, "messages.get") if exc else convert(response)

        headers = METADATA_HEADERS if fmt == "metadata" else None
        for start in range(0, len(ids), BATCH_MAX):
            batch = new_batch(self._endpoint)
            for gmail_id in ids[start : start + BATCH_MAX]:
                request = self._users.messages().get(
                    userId="me", id=gmail_id, format=fmt, metadataHeaders=headers
                )
                batch.add(request, callback=collect, request_id=gmail_id)
            try:
                batch.execute()
            except Exception as exc:
                raise map_error(exc, "batch messages.get") from exc
        return out

    def get_raw_many(self, ids: list[str]) -> dict[str, bytes | LeadHarvestError]:
        """``format=raw`` for each id in batch requests; per-id bytes or mapped error."""
        return self._get_many(ids, "raw", lambda r: base64.urlsafe_b64decode(r["raw"]))

    def get_full_many(
        self, ids: list[str], max_text_bytes: int
    ) -> dict[str, bytes | LeadHarvestError]:
        """``format=full`` for each id (mail too large to fetch whole): the text parts and
        the attachments' names, rebuilt as RFC 822 bytes (``full.py``); no attachment read."""
        return self._get_many(ids, "full", lambda r: rebuild(dict(r), max_text_bytes))

    def labels_many(self, ids: list[str]) -> dict[str, frozenset[str] | LeadHarvestError]:
        """The label ids of each email (``format=minimal``: no content read)."""
        return self._get_many(ids, "minimal", lambda r: frozenset(r.get("labelIds") or ()))

    def metadata_many(self, ids: list[str]) -> dict[str, JsonObject | LeadHarvestError]:
        """Each email's From, Subject and Date headers and snippet (``format=metadata``)."""
        return self._get_many(ids, "metadata", dict)

    def oversized_ids(self, label_id: str, min_bytes: int, limit: int) -> set[str]:
        """Ids in the label larger than ``min_bytes`` (Gmail's ``larger:`` search on the
        message size), up to ``limit``."""
        return set(self.list_ids(label_id, f"larger:{min_bytes}", limit))

    def get_metadata(self, gmail_id: str) -> JsonObject:
        """A message's headers and snippet (``format=metadata``)."""
        request = self._users.messages().get(
            userId="me", id=gmail_id, format="metadata", metadataHeaders=METADATA_HEADERS
        )
        return dict(self._run(request, "messages.get"))

    def watch(self, topic: str, label_id: str) -> tuple[int, datetime]:
        """Register push notifications for the label; returns (history id, expiry)."""
        body = {"topicName": topic, "labelIds": [label_id], "labelFilterBehavior": "include"}
        data = self._run(self._users.watch(userId="me", body=body), "watch")
        expiry = datetime.fromtimestamp(int(data["expiration"]) / 1000, UTC)
        return int(data["historyId"]), expiry

    def stop(self) -> None:
        """Stop push notifications."""
        self._run(self._users.stop(userId="me"), "stop")
