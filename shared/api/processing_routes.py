"""``/processing/*``: batch status, retry now, history."""

from __future__ import annotations

from shared.api.inputs import HistoryQuery
from shared.api.outputs import (
    BatchProgress,
    BatchStatus,
    History,
    Retried,
    RetryEntry,
)
from shared.api.routing import Call, Route
from shared.batch_figures import BatchSummary
from shared.errors import NotFoundError
from shared.services.scheduled.retry import retry_batch
from shared.types import JsonObject


def _summary(call: Call) -> BatchSummary:
    batch_id = call.params["batchId"]
    summary = call.deps.batches.summary(batch_id)
    if summary is None or summary.owner != call.user:
        raise NotFoundError(f"no batch {batch_id}")  # another user's batch is "not found" too
    return summary


def _progress(call: Call, s: BatchSummary) -> JsonObject:
    """The figures of a batch, and when its waiting emails are tried next."""
    waiting = call.deps.retries.for_batch(s.batch_id, ("pending",)) if s.failed else []
    return {
        "batch_id": s.batch_id,
        "status": s.status,
        "trigger": s.trigger,
        "total": s.total,
        "processed": s.processed,
        "succeeded": s.succeeded,
        "failed": s.failed,
        "skipped": s.skipped,
        "dead": s.dead,
        "progress": f"{s.processed}/{s.total}",
        "percent_complete": round(100 * s.processed / s.total, 1) if s.total else 100.0,
        "next_retry_at": min(
            (e.next_attempt_at for e in waiting if e.next_attempt_at), default=None
        ),
        "created_at": s.created_at,
        "started_at": s.started_at,
        "completed_at": s.completed_at,
    }


def batch_status(call: Call) -> BatchStatus:
    """Figures and retry list of one batch: ``waiting_retry`` while every email left waits
    in the retry list (``nextRetryAt`` says when the first is tried again)."""
    s = _summary(call)
    retry = [
        RetryEntry(
            message_id=e.message_id,
            error=e.error,
            error_class=e.error_class,
            attempts=e.attempts,
            state=e.state,
            next_attempt_at=e.next_attempt_at,
        )
        for e in call.deps.retries.for_batch(s.batch_id, ("pending", "dead", "parked"))
    ]
    return BatchStatus(**_progress(call, s), retry=retry)


def retry(call: Call) -> Retried:
    """Failed and dead entries of the batch go back to processing now."""
    return Retried(retried=retry_batch(call.deps, _summary(call).batch_id))


def history(call: Call) -> History:
    """The caller's batches of one mailbox, newest first, each with its status and progress,
    the true total and a cursor; ``active=true``: only the batches not completed (at most
    ``limit``, no cursor)."""
    q = call.query_as(HistoryQuery)
    mailbox = call.account().mailbox
    if not q.active:
        docs, total, next_cursor = call.deps.batches.history(
            call.user, mailbox, q.limit, q.cursor or None
        )
        summaries = [call.deps.batches.summary(d["batch_id"]) for d in docs]
        items = [BatchProgress(**_progress(call, s)) for s in summaries if s is not None]
        return History(batches=items, total=total, next_cursor=next_cursor)
    ids = call.deps.batches.active(call.user, mailbox, q.limit)
    summaries = [call.deps.batches.summary(i) for i in ids]
    items = [BatchProgress(**_progress(call, s)) for s in summaries if s is not None]
    return History(batches=items, total=len(items), next_cursor=None)


TAG = "Processing"
ROUTES = [
    Route(
        "GET",
        "/processing/status/<id:batchId>",
        batch_status,
        "One batch's figures",
        BatchStatus,
        TAG,
    ),
    Route(
        "POST",
        "/processing/retry/<id:batchId>",
        retry,
        "Requeue failed and dead emails now",
        Retried,
        TAG,
        status=202,
    ),
    Route(
        "GET",
        "/processing/history",
        history,
        "Batches, newest first, with progress",
        History,
        TAG,
        query=HistoryQuery,
    ),
]
