"""A batch's window: a chunk that is done sends the chunk ``window`` places after it, on its
lane, so a batch keeps ``window`` chunks in flight (``shared/services/queue.py``)."""

from __future__ import annotations

import dataclasses
import re
from typing import Protocol

from shared.events import LIVE_TRIGGERS, ChunkJob
from shared.ports import Configured, HoldsBatches, Publishes

CHUNK_ID = re.compile(r"c(\d{5})")


class Ports(Configured, Publishes, HoldsBatches, Protocol):
    """What the window uses of the composition root."""


def send_next(deps: Ports, job: ChunkJob) -> str | None:
    """Publish the chunk ``job.window`` places after ``job`` (if the batch has it); returns
    its id. A redelivered chunk may send it twice: processing it again changes nothing."""
    match = CHUNK_ID.fullmatch(job.chunk_id)
    if not job.window or match is None:
        return None
    following = f"c{int(match.group(1)) + job.window:05d}"
    ids = deps.batches.chunk_ids(job.batch_id, following)
    if not ids:
        return None
    nxt = dataclasses.replace(job, chunk_id=following, ids=ids)
    live = job.trigger in LIVE_TRIGGERS
    deps.publisher.publish(deps.settings.topic_live if live else deps.settings.topic_batches, [nxt])
    return following
