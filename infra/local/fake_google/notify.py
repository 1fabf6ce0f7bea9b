"""Gmail push notifications: ``{"emailAddress", "historyId"}`` published to the watched topic."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from infra.local.fake_google.quota import FaultInjector
from infra.local.fake_google.state import FakeState, Mailbox


class Notifier:
    """Publishes to the Pub/Sub emulator (``PUBSUB_EMULATOR_HOST``) as Gmail would."""

    def __init__(self, state: FakeState, faults: FaultInjector) -> None:
        self.state = state
        self.faults = faults
        self._publisher: Any = None
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}

    def _client(self) -> Any:
        with self._lock:
            if self._publisher is None:
                from google.cloud import pubsub_v1  # type: ignore[attr-defined]  # noqa: PLC0415

                self._publisher = pubsub_v1.PublisherClient()
            return self._publisher

    def __call__(self, box: Mailbox, label_ids: list[str]) -> None:
        """Notify the watch of ``box`` if the change touches a watched label."""
        watch = box.watch
        if not watch or not watch.get("topicName"):
            return
        if watch["labelIds"] and not set(watch["labelIds"]) & set(label_ids):
            return
        if self.faults.drop_notification():
            self.state.count("notifications.dropped")
            return
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(box.address, -1e9) < self.state.faults.notify_min_interval_s:
                self.state.count("notifications.rate_limited")
                return
            self._last[box.address] = now
        data = json.dumps({"emailAddress": box.address, "historyId": box.history_id}).encode()
        self._client().publish(watch["topicName"], data).result(timeout=30)
        self.state.count("notifications.sent")
