"""``/processing/*``: batch status, retry now, history."""

from __future__ import annotations

from typing import Any

from google.cloud import firestore

from shared.errors import NotFoundError, ValidationError
from shared.services.api.router import Call, Router, doc_id
from shared.services.retry import retry_batch
from shared.store.batches import BatchSummary


def _summary(call: Call, batch_id: str) -> BatchSummary:
    summary = call.deps.batches.summary(doc_id(batch_id, "batchId"))
    if summary is None or summary.mailbox not in {a.mailbox for a in call.accounts}:
        raise NotFoundError(f"no batch {batch_id}")  # another user's batch is "not found" too
    return summary


def status(call: Call) -> tuple[int, Any]:
    """Figures and retry list of one batch."""
    s = _summary(call, call.params["batchId"])
    retry = [
        {
            "messageId": e["message_id"],
            "error": e.get("error"),
            "errorClass": e.get("error_class"),
            "attempts": e.get("attempts", 0),
            "state": e.get("state"),
            "nextAttemptAt": e.get("next_attempt_at"),
        }
        for e in call.deps.retries.for_batch(s.batch_id, ("pending", "dead", "parked"))
    ]
    return 200, {
        "batchId": s.batch_id,
        "status": s.status,
        "trigger": s.trigger,
        "total": s.total,
        "processed": s.processed,
        "succeeded": s.succeeded,
        "failed": s.failed,
        "skipped": s.skipped,
        "dead": s.dead,
        "progress": f"{s.processed}/{s.total}",
        "percentComplete": round(100 * s.processed / s.total, 1) if s.total else 100.0,
        "retry": retry,
        "createdAt": s.created_at,
        "startedAt": s.started_at,
        "completedAt": s.completed_at,
    }


def retry(call: Call) -> tuple[int, Any]:
    """Failed and dead entries of the batch go back to processing now."""
    s = _summary(call, call.params["batchId"])
    return 202, {"retried": retry_batch(call.deps, s.batch_id)}


def history(call: Call) -> tuple[int, Any]:
    """The caller's batches, newest first, with a true total and a cursor."""
    limit = call.int_arg("limit", 20, 1, 100)
    mailbox = call.account().mailbox
    db = call.deps.db
    query = db.collection("batches").where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
    total = int(query.count().get()[0][0].value)
    page = query.order_by("created_at", direction=firestore.Query.DESCENDING)
    cursor = call.args.get("cursor")
    if cursor:
        snap = db.collection("batches").document(doc_id(cursor, "cursor")).get()
        if not snap.exists or (snap.to_dict() or {}).get("mailbox") != mailbox:
            raise ValidationError("unknown cursor", details={"fields": {"cursor": "unknown"}})
        page = page.start_after(snap)
    docs = [d.to_dict() or {} for d in page.limit(limit).stream()]
    items = [
        {
            "batchId": d["batch_id"],
            "trigger": d["trigger"],
            "total": d["total"],
            "createdAt": d["created_at"],
        }
        for d in docs
    ]
    return 200, {
        "batches": items,
        "total": total,
        "nextCursor": items[-1]["batchId"] if len(items) == limit else None,
    }


def register(router: Router) -> None:
    """Add the /processing routes."""
    router.add("GET", "/processing/status/{batchId}", status)
    router.add("POST", "/processing/retry/{batchId}", retry)
    router.add("GET", "/processing/history", history)
