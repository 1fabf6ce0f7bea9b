"""Pub/Sub publishing of typed jobs, behind a small Protocol."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared.errors import PublishError
from shared.events import ChunkJob, SyncJob, encode
from shared.types import Sdk

PUBLISH_TIMEOUT_S = 30


class Publisher(Protocol):
    """Publishes jobs to a topic (by short name)."""

    def publish(self, topic: str, jobs: Sequence[SyncJob | ChunkJob]) -> None: ...


class PubSubPublisher:
    """:class:`Publisher` over google-cloud-pubsub; waits for every message id."""

    def __init__(self, client: Sdk, project: str) -> None:
        self._client = client
        self._project = project

    def publish(self, topic: str, jobs: Sequence[SyncJob | ChunkJob]) -> None:
        """Publish every job; raises :class:`PublishError` if any publish fails."""
        path = self._client.topic_path(self._project, topic)
        try:
            futures = [self._client.publish(path, encode(job), mailbox=job.mailbox) for job in jobs]
            for future in futures:
                future.result(timeout=PUBLISH_TIMEOUT_S)
        except Exception as exc:
            raise PublishError(f"publishing to {topic} failed ({type(exc).__name__})") from exc
