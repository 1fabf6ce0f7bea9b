"""Queue a batch of a mailbox's emails: one batch document, its chunks published.

Two lanes: emails a sync found (push, safety net) go to the live topic; bulk work (backfill,
audit, manual, re-parse) to the bulk topic. A batch of more than ``CHUNK_WINDOW`` chunks is
published a window at a time: that many chunks are in flight and each one, when done, sends
the chunk ``CHUNK_WINDOW`` places after it. So mailboxes' work interleaves instead of one
mailbox's backlog filling the queue, and no chunk waits long for its mailbox's quota.
"""

from __future__ import annotations

import hashlib

from shared.clock import utcnow
from shared.config import Settings
from shared.events import LIVE_TRIGGERS, ChunkJob
from shared.logs import get_logger
from shared.ports import Queues
from shared.records import Account
from shared.vocabulary import Trigger

log = get_logger("queue")
FULL_CHUNK = "f"  # a chunk of mail too large to fetch whole (``format=full``)
FULL_CHUNK_SIZE = 5  # such emails per chunk: their text may each be up to EMAIL_MAX_BYTES


def lane_topic(settings: Settings, trigger: str) -> str:
    """The topic of a chunk's lane: live for mail a sync found, bulk for the rest."""
    return settings.topic_live if trigger in LIVE_TRIGGERS else settings.topic_batches


def batch_id_for(mailbox: str, trigger: str, start: int, ids: list[str]) -> str:
    """Deterministic batch id: a redelivered sync job recreates the same batch."""
    digest = hashlib.sha256(f"{mailbox}|{trigger}|{start}|{','.join(ids)}".encode()).hexdigest()
    return f"{trigger}-{digest[:20]}"


def queue_batch(
    deps: Queues,
    account: Account,
    trigger: Trigger,
    start: int,
    ids: list[str],
    oversized: set[str] | None = None,
) -> str | None:
    """Create a batch of the account's mailbox (owned by its owner) for ``ids`` and publish
    its chunks; returns the batch id (None for no ids). Ids in ``oversized`` (see
    ``oversized.py``) go to their own chunks (``f00000``…), fetched ``format=full``: their
    text and attachment names, never the attachments; they are sent at once."""
    if not ids:
        return None
    mailbox = account.mailbox
    size = deps.settings.chunk_size
    batch_id = batch_id_for(mailbox, trigger, start, ids)
    big = [i for i in ids if i in (oversized or set())]
    small = [i for i in ids if i not in (oversized or set())]
    chunks = {f"c{n:05d}": small[i : i + size] for n, i in enumerate(range(0, len(small), size))}
    whole = {
        f"{FULL_CHUNK}{n:05d}": big[i : i + FULL_CHUNK_SIZE]
        for n, i in enumerate(range(0, len(big), FULL_CHUNK_SIZE))
    }
    now = utcnow()
    deps.batches.create(batch_id, mailbox, trigger, {**chunks, **whole}, now, account.owner)
    window = 0 if len(chunks) <= deps.settings.chunk_window else deps.settings.chunk_window
    jobs = [
        ChunkJob(batch_id, chunk_id, mailbox, part, trigger, window)
        for chunk_id, part in chunks.items()
    ]
    parts = [
        ChunkJob(batch_id, chunk_id, mailbox, part, trigger) for chunk_id, part in whole.items()
    ]
    deps.publisher.publish(lane_topic(deps.settings, trigger), [*jobs[: window or None], *parts])
    fields = {
        "batch_id": batch_id,
        "emails": len(ids),
        "chunks": len(chunks) + len(whole),
        "trigger": trigger,
    }
    log.info("batch queued", extra={"fields": fields})
    return batch_id
