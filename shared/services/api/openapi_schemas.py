"""Component schemas of the API's OpenAPI document (the shapes routes answer with)."""

from __future__ import annotations

from typing import Any

from shared.parsing.record import REVIEW_REASONS

STR, INT, NUM, BOOL = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
)
NSTR, NINT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
TIME = {"type": ["string", "null"], "description": "ISO 8601 time"}


def obj(
    props: dict[str, Any], required: list[str] | None = None, extra: bool = True
) -> dict[str, Any]:
    """An object schema; every listed property required unless ``required`` says otherwise."""
    return {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
        "additionalProperties": extra,
    }


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def arr(item: dict[str, Any]) -> dict[str, Any]:
    """An array schema."""
    return {"type": "array", "items": item}


_ADDRESS = ("street", "unit", "city", "state", "zip")
PROPERTY = obj({"name": NSTR, **{k: NSTR for k in _ADDRESS}}, required=list(_ADDRESS))
SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({"code": STR, "message": STR, "details": {}})}),
    "GmailStatus": obj(
        {
            "connected": BOOL,
            "mailbox": NSTR,
            "state": {"enum": ["connected", "needs_reauth", "disconnected"]},
            "label": {"oneOf": [{"type": "null"}, obj({"id": STR, "name": STR})]},
            "watchExpiration": TIME,
            "lastSyncAt": TIME,
            "reason": NSTR,
        }
    ),
    "AuthUrl": obj({"url": STR}),
    "TokenRequest": obj(
        {
            "code": {"type": "string", "minLength": 1, "maxLength": 2048},
            "redirect_uri": {
                "type": "string",
                "maxLength": 2048,
                "pattern": "^(postmessage|https?://.+)$",
            },
        },
        extra=False,
    ),
    "Connected": obj({"connected": BOOL, "mailbox": STR}),
    "Disconnected": obj(
        {"mailbox": STR, "watchStopped": BOOL, "tokenRevoked": BOOL, "secretDeleted": BOOL}
    ),
    "Labels": obj(
        {
            "labels": arr(
                obj(
                    {
                        "id": STR,
                        "name": STR,
                        "type": STR,
                        "messagesTotal": INT,
                        "messagesUnread": INT,
                    }
                )
            )
        }
    ),
    "Messages": obj(
        {
            "messages": arr(
                obj(
                    {
                        "id": STR,
                        "threadId": NSTR,
                        "from": NSTR,
                        "subject": NSTR,
                        "date": NSTR,
                        "snippet": NSTR,
                        "status": NSTR,
                    }
                )
            ),
            "nextPageToken": NSTR,
        }
    ),
    "ProcessBatchRequest": {
        "oneOf": [
            obj(
                {
                    "messageIds": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 1000,
                        "items": {"type": "string", "pattern": "^[A-Za-z0-9]{1,32}$"},
                    }
                },
                extra=False,
            ),
            obj(
                {
                    "labelId": STR,
                    "q": STR,
                    "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
                required=["labelId"],
                extra=False,
            ),
        ]
    },
    "BatchAccepted": obj({"batchId": STR}),
    "RetryEntry": obj(
        {
            "messageId": STR,
            "error": NSTR,
            "errorClass": NSTR,
            "attempts": INT,
            "state": STR,
            "nextAttemptAt": TIME,
        }
    ),
    "BatchStatus": obj(
        {
            "batchId": STR,
            "status": STR,
            "trigger": STR,
            "total": INT,
            "processed": INT,
            "succeeded": INT,
            "failed": INT,
            "skipped": INT,
            "dead": INT,
            "progress": STR,
            "percentComplete": NUM,
            "retry": arr(ref("RetryEntry")),
            "createdAt": TIME,
            "startedAt": TIME,
            "completedAt": TIME,
        }
    ),
    "Retried": obj({"retried": INT}),
    "History": obj(
        {
            "batches": arr(obj({"batchId": STR, "trigger": STR, "total": INT, "createdAt": TIME})),
            "total": INT,
            "nextCursor": NSTR,
        }
    ),
    "LeadSummary": obj(
        {
            "id": STR,
            "first_name": NSTR,
            "last_name": NSTR,
            "email": NSTR,
            "phone": NSTR,
            "source": NSTR,
            "status": STR,
            "property": {"oneOf": [{"type": "null"}, PROPERTY]},
            "needs_review": {"type": ["boolean", "null"]},
            "review_reasons": {"oneOf": [{"type": "null"}, arr({"enum": list(REVIEW_REASONS)})]},
            "inquiry_count": NINT,
            "last_inquiry_at": TIME,
            "created_at": TIME,
            "updated_at": TIME,
        }
    ),
    "LeadList": obj({"leads": arr(ref("LeadSummary")), "nextCursor": NSTR}),
    "Lead": {
        "allOf": [ref("LeadSummary"), obj({"notes": STR, "inquiries": arr({"type": "object"})})]
    },
    "ReparseRequest": {
        "oneOf": [
            obj(
                {"leadIds": {"type": "array", "minItems": 1, "maxItems": 100, "items": STR}},
                extra=False,
            ),
            obj({"all": {"const": True}}, extra=False),
        ]
    },
    "LeadPatch": obj(
        {
            "status": {"enum": ["new", "contacted", "qualified", "closed"]},
            "notes": {"type": "string", "maxLength": 10000},
            "reviewed": {"const": True},
        },
        required=[],
        extra=False,
    ),
}
