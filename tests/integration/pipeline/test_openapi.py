"""The OpenAPI document against the real API: same routes, and schemathesis finds no 5xx and
no response that breaks the document."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from functions_framework import create_app
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shared.services.api.app import ROUTER
from shared.services.api.openapi import document
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
        (m, re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pat.pattern.strip("^$")))
        for m, pat, _ in ROUTER.routes
    }
    assert documented == routed


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
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(ROUTER.routes)

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            # Schema-valid data may still be refused on its merits (an unknown cursor, a
            # rejected authorization code): that check is left out; all others apply.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        run()
