"""``/processing/*``: batch status, retry now, history."""

from __future__ import annotations

from shared.errors import NotFoundError
from shared.services.api.inputs import HistoryQuery
from shared.services.api.outputs import BatchItem, BatchStatus, History, Retried, RetryEntry
from shared.services.api.routing import Call, Route
from shared.services.retry import retry_batch
from shared.store.batch_figures import BatchSummary


def _summary(call: Call) -> BatchSummary:
    batch_id = call.params["batchId"]
    summary = call.deps.batches.summary(batch_id)
    if summary is None or summary.owner != call.user:
        raise NotFoundError(f"no batch {batch_id}")  # another user's batch is "not found" too
    return summary


def batch_status(call: Call) -> BatchStatus:
    """Figures and retry list of one batch."""
    s = _summary(call)
    retry = [
        RetryEntry(
            message_id=e["message_id"],
            error=e.get("error"),
            error_class=e.get("error_class"),
            attempts=e.get("attempts", 0),
            state=e.get("state", "pending"),
            next_attempt_at=e.get("next_attempt_at"),
        )
        for e in call.deps.retries.for_batch(s.batch_id, ("pending", "dead", "parked"))
    ]
    return BatchStatus(
        batch_id=s.batch_id,
        status=s.status,
        trigger=s.trigger,
        total=s.total,
        processed=s.processed,
        succeeded=s.succeeded,
        failed=s.failed,
        skipped=s.skipped,
        dead=s.dead,
        progress=f"{s.processed}/{s.total}",
        percent_complete=round(100 * s.processed / s.total, 1) if s.total else 100.0,
        retry=retry,
        created_at=s.created_at,
        started_at=s.started_at,
        completed_at=s.completed_at,
    )


def retry(call: Call) -> Retried:
    """Failed and dead entries of the batch go back to processing now."""
    return Retried(retried=retry_batch(call.deps, _summary(call).batch_id))


def history(call: Call) -> History:
    """The caller's batches, newest first, with a true total and a cursor."""
    q = call.query_as(HistoryQuery)
    docs, total, next_cursor = call.deps.batches.history(
        call.user, call.account().mailbox, q.limit, q.cursor or None
    )
    items = [
        BatchItem(
            batch_id=d["batch_id"],
            trigger=d["trigger"],
            total=d["total"],
            created_at=d["created_at"],
        )
        for d in docs
    ]
    return History(batches=items, total=total, next_cursor=next_cursor)


ROUTES = [
    Route(
        "GET", "/processing/status/<id:batchId>", batch_status, "One batch's figures", BatchStatus
    ),
    Route(
        "POST",
        "/processing/retry/<id:batchId>",
        retry,
        "Requeue failed and dead emails now",
        Retried,
        status=202,
    ),
    Route(
        "GET", "/processing/history", history, "Batches, newest first", History, query=HistoryQuery
    ),
]
