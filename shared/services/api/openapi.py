"""The API's OpenAPI 3.1 document, written here and checked against real responses by tests."""

from __future__ import annotations

from typing import Any

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


PROPERTY = obj({k: NSTR for k in ("street", "unit", "city", "state", "zip")})
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
        },
        required=[],
        extra=False,
    ),
}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref(schema)}}}


def _op(
    summary: str,
    ok: int,
    schema: str,
    params: list[dict[str, Any]] | None = None,
    body: str | None = None,
    errors: tuple[int, ...] = (400, 401, 403, 404),
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            str(ok): {"description": "OK", **_json(schema)},
            **{str(e): {"description": "Error", **_json("Error")} for e in errors},
        },
    }
    if body:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


def _q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _p(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_:@.+-]{1,200}$"},
    }


LIMIT = {"type": "integer", "minimum": 1, "maximum": 100}
PATHS: dict[str, Any] = {
    "/gmail/status": {"get": _op("The caller's mailbox connection", 200, "GmailStatus")},
    "/gmail/auth-url": {"get": _op("Google's consent URL", 200, "AuthUrl")},
    "/gmail/token": {
        "post": _op(
            "Connect with an authorization code",
            200,
            "Connected",
            body="TokenRequest",
            errors=(400, 401, 403, 404, 503),
        )
    },
    "/gmail/disconnect": {"post": _op("Disconnect the mailbox (leads stay)", 200, "Disconnected")},
    "/gmail/labels": {"get": _op("Labels with counts", 200, "Labels", errors=(401, 403, 404, 503))},
    "/gmail/messages": {
        "get": _op(
            "A page of messages with processing status",
            200,
            "Messages",
            [_q("labelId", STR), _q("q", STR), _q("pageToken", STR), _q("maxResults", LIMIT)],
            errors=(400, 401, 403, 404, 503),
        )
    },
    "/gmail/process-batch": {
        "post": _op(
            "Queue emails for processing",
            202,
            "BatchAccepted",
            body="ProcessBatchRequest",
            errors=(400, 401, 403, 404, 503),
        )
    },
    "/processing/status/{batchId}": {
        "get": _op("One batch's figures and retry list", 200, "BatchStatus", [_p("batchId")])
    },
    "/processing/retry/{batchId}": {
        "post": _op("Requeue failed and dead emails now", 202, "Retried", [_p("batchId")])
    },
    "/processing/history": {
        "get": _op("Batches, newest first", 200, "History", [_q("limit", LIMIT), _q("cursor", STR)])
    },
    "/leads": {
        "get": _op(
            "Leads, most recently updated first",
            200,
            "LeadList",
            [
                _q("status", {"enum": ["new", "contacted", "qualified", "closed"]}),
                _q("source", {"enum": ["zillow", "realtor", "apartments", "rentmarketplace"]}),
                _q("q", STR),
                _q("limit", LIMIT),
                _q("cursor", STR),
            ],
        )
    },
    "/leads/reparse": {
        "post": _op(
            "Re-parse stored emails with the current parser",
            202,
            "BatchAccepted",
            body="ReparseRequest",
        )
    },
    "/leads/{leadId}": {
        "get": _op("One lead with its inquiries", 200, "Lead", [_p("leadId")]),
        "patch": _op("Change status or notes", 200, "Lead", [_p("leadId")], body="LeadPatch"),
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LeadHarvest API",
            "version": "1.0.0",
            "description": "The CRM frontend's API. Every route needs a Google ID token "
            "of an allowed user; errors use one envelope.",
        },
        "security": [{"bearerAuth": []}],
        "paths": {
            **PATHS,
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
