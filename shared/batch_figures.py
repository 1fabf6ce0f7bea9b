"""What a batch's figures mean: outcomes added up from its chunks, and stuck chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shared.vocabulary import BatchState

SUCCEEDED = ("lead", "merged", "not_lead")
FAILED = ("failed", "parked")
FINAL = (*SUCCEEDED, "duplicate", "gone", "dead")  # an email that will not be tried again


@dataclass
class BatchSummary:
    """A batch with figures added up from its chunks."""

    batch_id: str
    mailbox: str
    owner: str
    trigger: str
    total: int
    created_at: datetime
    counts: dict[str, int] = field(default_factory=dict)
    completed_at: datetime | None = None
    started_at: datetime | None = None

    @property
    def processed(self) -> int:
        """Emails in a final state: succeeded, skipped (already done elsewhere) or dead."""
        return self.succeeded + self.skipped + self.dead

    @property
    def succeeded(self) -> int:
        """Emails that became a lead, merged into one, or were classified as not a lead."""
        return sum(self.counts.get(k, 0) for k in SUCCEEDED)

    @property
    def skipped(self) -> int:
        """Emails another batch had already processed, or deleted from Gmail meanwhile."""
        return self.counts.get("duplicate", 0) + self.counts.get("gone", 0)

    @property
    def failed(self) -> int:
        """Emails waiting for a retry (or parked until the mailbox reconnects)."""
        return sum(self.counts.get(k, 0) for k in FAILED)

    @property
    def dead(self) -> int:
        """Emails given up on after the last attempt."""
        return self.counts.get("dead", 0)

    @property
    def status(self) -> BatchState:
        """``queued``, ``running``, ``waiting_retry`` (every email left waits in the retry
        list), ``completed`` or ``completed_with_errors``."""
        if self.processed >= self.total:
            return "completed_with_errors" if self.dead else "completed"
        if self.failed and self.processed + self.failed >= self.total:
            return "waiting_retry"
        return "running" if self.counts else "queued"


@dataclass(frozen=True)
class StuckChunk:
    """A chunk of an unfinished batch without progress, and its ids without an outcome."""

    batch_id: str
    chunk_id: str
    trigger: str
    ids: list[str]
    mailbox: str = ""
