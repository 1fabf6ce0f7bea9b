"""The generated OpenAPI document against the real API: same routes, a model change changes
both, and schemathesis with every check (positive-data acceptance included) passes."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest
import schemathesis
from functions_framework import create_app
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from shared.api import openapi
from shared.api.app import ROUTES, URLS, document
from shared.api.decoding import decode_body
from shared.api.inputs import LeadPatch
from shared.api.routing import Route
from shared.errors import ValidationError
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import connected
from tests.integration.pipeline.test_entry_auth import ROOT


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    documented = {
        (m.upper(), p)
        for p, ops in document()["paths"].items()
        for m in ops
        if p != "/openapi.json"
    }
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in URLS.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert documented == routed


def test_a_model_change_changes_the_document_and_the_validation() -> None:
    """One source: narrowing the notes field in the model narrows the document too."""

    class NarrowPatch(LeadPatch):
        notes: str | msgspec.UnsetType = msgspec.UNSET

    patch = next(r for r in ROUTES if r.method == "PATCH")
    before = openapi.build(ROUTES)["components"]["schemas"]["LeadPatch"]["properties"]["notes"]
    changed = tuple(
        Route(**{**r.__dict__, "body": (NarrowPatch,)}) if r is patch else r for r in ROUTES
    )
    after = openapi.build(changed)["components"]["schemas"]["NarrowPatch"]["properties"]["notes"]
    assert before == {"type": "string", "maxLength": 10000} and after == {"type": "string"}
    long_notes = msgspec.json.encode({"notes": "x" * 10_001})
    assert decode_body((NarrowPatch,), long_notes)
    with pytest.raises(ValidationError):
        decode_body((LeadPatch,), long_notes)


def test_openapi_is_served_without_auth(pipeline: Pipeline) -> None:
    api = create_app("api", str(ROOT / "functions" / "api" / "main.py")).test_client()
    resp = api.get("/openapi.json")
    assert resp.status_code == 200 and resp.get_json()["openapi"] == "3.1.0"


def test_api_matches_its_document(pipeline: Pipeline) -> None:
    """Schemathesis generates requests from the document for every operation (with a valid
    user's token): no 5xx, and every response conforms to the document."""
    connected(pipeline, 4)
    app = create_app("api", str(ROOT / "functions" / "api" / "main.py"))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {pipeline.token('fake-client', USER)}"}
    results = list(schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results), "the document has an invalid operation"
    assert len(operations) >= len(ROUTES)

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers)  # every check, none excluded

        run()
