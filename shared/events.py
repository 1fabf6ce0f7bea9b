"""Pure decoders: Pub/Sub CloudEvents and push envelopes to typed messages, and back."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field
from typing import get_args

from shared.errors import MalformedPayloadError
from shared.ids import is_doc_id, is_mailbox
from shared.jsonio import PUSH_BODY_MAX, decode_json
from shared.types import Json, JsonObject
from shared.vocabulary import Trigger

TRIGGERS: tuple[str, ...] = get_args(Trigger)


@dataclass(frozen=True)
class GmailNotification:
    """Gmail's change notification: which mailbox, and its history id at the change."""

    mailbox: str
    history_id: int


@dataclass(frozen=True)
class SyncJob:
    """Sync one mailbox: history since its cursor (``full``: list the whole label)."""

    mailbox: str
    trigger: Trigger = "push"
    full: bool = False
    history_id: int | None = None


@dataclass(frozen=True)
class ChunkJob:
    """Process these Gmail message ids as one chunk of a batch."""

    batch_id: str
    chunk_id: str
    mailbox: str
    ids: list[str] = field(default_factory=list)
    trigger: Trigger = "push"
    window: int = 0  # bulk: this many chunks of the batch in flight; done, one sends the next


MAX_WINDOW = 64
MAX_HISTORY_ID = 2**63 - 1  # Gmail's history ids are uint64 text; Firestore keeps int64
LIVE_TRIGGERS = ("push", "scheduled")  # emails a sync found: the live lane


def encode(job: SyncJob | ChunkJob) -> bytes:
    """The Pub/Sub message body for a job."""
    return json.dumps(asdict(job), separators=(",", ":")).encode()


def _b64json(data: Json) -> JsonObject:
    if not isinstance(data, str | bytes):
        raise MalformedPayloadError("message data is missing")
    try:
        raw = base64.b64decode(data, validate=True) if isinstance(data, str) else data
    except (binascii.Error, ValueError) as exc:
        raise MalformedPayloadError("message data is not base64") from exc
    value = decode_json(raw, PUSH_BODY_MAX)
    if not isinstance(value, dict):
        raise MalformedPayloadError("message data is not a JSON object")
    return value


def pubsub_data(envelope: Json) -> JsonObject:
    """The JSON object inside a Pub/Sub push envelope or CloudEvent data ``{"message": …}``."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("message"), dict):
        raise MalformedPayloadError("not a Pub/Sub envelope")
    return _b64json(envelope["message"].get("data"))


def gmail_notification(envelope: Json) -> GmailNotification:
    """Decode Gmail's ``{"emailAddress", "historyId"}`` from a push envelope."""
    data = pubsub_data(envelope)
    mailbox, history = data.get("emailAddress"), data.get("historyId")
    if not isinstance(mailbox, str) or not is_mailbox(mailbox.lower()):
        raise MalformedPayloadError("emailAddress missing or invalid")
    try:
        history_id = int(history)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MalformedPayloadError("historyId missing or invalid") from exc
    if not 0 < history_id <= MAX_HISTORY_ID:
        raise MalformedPayloadError("historyId must be positive and fit 64 bits")
    return GmailNotification(mailbox=mailbox.lower(), history_id=history_id)


def sync_job(data: JsonObject) -> SyncJob:
    """Decode a sync job."""
    try:
        job = SyncJob(
            mailbox=str(data["mailbox"]).lower(),
            trigger=data.get("trigger", "push"),
            full=bool(data.get("full", False)),
            history_id=data.get("history_id"),
        )
    except (KeyError, TypeError) as exc:
        raise MalformedPayloadError("sync job is missing fields") from exc
    if job.trigger not in TRIGGERS or not is_mailbox(job.mailbox):
        raise MalformedPayloadError("sync job has an invalid trigger or mailbox")
    history = job.history_id
    if history is not None and (type(history) is not int or not 0 < history <= MAX_HISTORY_ID):
        raise MalformedPayloadError("sync job has an invalid history id")
    return job


def chunk_job(data: JsonObject) -> ChunkJob:
    """Decode a chunk job."""
    try:
        ids = [str(i) for i in data["ids"]]
        job = ChunkJob(
            batch_id=str(data["batch_id"]),
            chunk_id=str(data["chunk_id"]),
            mailbox=str(data["mailbox"]).lower(),
            ids=ids,
            trigger=data.get("trigger", "push"),
            window=data.get("window", 0),
        )
    except (KeyError, TypeError) as exc:
        raise MalformedPayloadError("chunk job is missing fields") from exc
    if type(job.window) is not int or not 0 <= job.window <= MAX_WINDOW:
        raise MalformedPayloadError("chunk job has an invalid window")
    if not is_mailbox(job.mailbox) or not is_doc_id(job.batch_id):
        raise MalformedPayloadError("chunk job names an invalid mailbox or batch")
    if job.trigger not in TRIGGERS or not job.ids or len(job.ids) > 100:
        raise MalformedPayloadError("chunk job has an invalid trigger or id list")
    return job
