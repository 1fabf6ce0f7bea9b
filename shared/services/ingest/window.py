"""A batch's window: a chunk that is done sends the chunk ``window`` places after it, on its
lane, so a batch keeps ``window`` chunks in flight (``shared/services/ingest/queue.py``).

The follower is sent before the chunk's outcomes are recorded, so a run that crashes in
between is redelivered and sends it; a marker per follower (created, never overwritten) makes
two runs of one chunk, even concurrent ones, send it once.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Protocol

from shared.clock import utcnow
from shared.events import ChunkJob
from shared.ports import Configured, HoldsBatches, Publishes
from shared.services.ingest.queue import lane_topic
from shared.vocabulary import Outcomes

CHUNK_ID = re.compile(r"c(\d{5})")


class Ports(Configured, Publishes, HoldsBatches, Protocol):
    """What the window uses of the composition root."""


def follower_sent(deps: Ports, job: ChunkJob) -> bool:
    """Whether an earlier run of ``job`` finished (and so sent its follower); read before
    processing. A chunk without a window has no follower."""
    return not job.window or set(job.ids) <= deps.batches.recorded(job.batch_id, job.chunk_id)


def finish(
    deps: Ports,
    job: ChunkJob,
    outcomes: Outcomes,
    sent: bool,
    *,
    started: datetime | None = None,
) -> None:
    """Send the chunk's follower (unless ``sent``), then record its outcomes (``started``:
    when this run began)."""
    if not sent:
        send_next(deps, job)
    deps.batches.record(job.batch_id, job.chunk_id, outcomes, utcnow(), started=started)


def send_next(deps: Ports, job: ChunkJob) -> str | None:
    """Publish the chunk ``job.window`` places after ``job`` (if the batch has it); returns
    its id. Sent once: a marker claimed before publishing and marked sent after it
    (``claim_send``) stops a second run of the chunk, even one running at the same time; a
    failed publish removes it; a claimant that died before saying it sent is taken over."""
    match = CHUNK_ID.fullmatch(job.chunk_id)
    if not job.window or match is None:
        return None
    following = f"c{int(match.group(1)) + job.window:05d}"
    ids = deps.batches.chunk_ids(job.batch_id, following)
    if not ids or not deps.batches.claim_send(job.batch_id, following):
        return None  # the last chunk, or another run of this chunk sent it already
    nxt = dataclasses.replace(job, chunk_id=following, ids=ids)
    try:
        deps.publisher.publish(lane_topic(deps.settings, job.trigger), [nxt])
    except Exception:
        deps.batches.release_send(job.batch_id, following)  # the redelivery sends it
        raise
    deps.batches.sent(job.batch_id, following)
    return following
