"""The API's OpenAPI 3.1 document, written here and checked against real responses by tests."""

from __future__ import annotations

from typing import Any

from shared.parsing.record import SOURCES
from shared.services.api.openapi_schemas import SCHEMAS, STR, ref


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
                _q("source", {"enum": list(SOURCES)}),
                _q("review", {"enum": ["true", "false"]}),
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
        "patch": _op(
            "Change status or notes, or mark reviewed",
            200,
            "Lead",
            [_p("leadId")],
            body="LeadPatch",
        ),
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
