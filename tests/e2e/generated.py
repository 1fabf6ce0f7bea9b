"""The Python client generated from the served document (``make clients``), and a check that
every answer it receives validates against that document, errors included."""

from __future__ import annotations

import importlib
import json
import re
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema_rs
import requests

from infra.local.stack import ROOT

CLIENTS = ROOT / "build" / "clients"
PACKAGE = "leadharvest_client"


def load(module: str = "") -> ModuleType:
    """A module of the generated client (``api.leads.list_leads``, ``models``, …)."""
    if str(CLIENTS) not in sys.path:
        sys.path.insert(0, str(CLIENTS))
    return importlib.import_module(f"{PACKAGE}.{module}" if module else PACKAGE)


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


@dataclass
class Conformance:
    """Validates each answer against the document's schema for its operation and status."""

    doc: dict[str, Any]
    seen: list[tuple[str, str, int]] = field(default_factory=list)

    def _operation(self, method: str, path: str) -> dict[str, Any]:
        matches = [
            (p, ops[method.lower()])
            for p, ops in self.doc["paths"].items()
            if method.lower() in ops and _template(p).match(path)
        ]
        assert matches, f"{method} {path}: no operation in the document"
        best: dict[str, Any] = min(matches, key=lambda m: m[0].count("{"))[1]
        return best  # a literal segment wins over a parameter

    def check(self, response: httpx.Response) -> None:
        """Raise AssertionError when ``response`` is not what the document says."""
        response.read()
        request = response.request
        media = response.headers.get("content-type", "")
        self._check(request.method, request.url.path, response.status_code, media, response.content)

    def check_requests(self, response: requests.Response, *_: Any, **__: Any) -> None:
        """The same for a ``requests`` answer (a ``hooks={"response": …}`` hook)."""
        path = urlsplit(response.url).path
        media = response.headers.get("content-type", "")
        method = str(response.request.method)
        self._check(method, path, response.status_code, media, response.content)

    def _check(self, method: str, path: str, code: int, media: str, body: bytes) -> None:
        op = self._operation(method, path)
        status = str(code)
        answer = op["responses"].get(status)
        assert answer is not None, f"{method} {path}: {status} undocumented"
        if "$ref" in answer:
            answer = self.doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
        media = media.split(";", maxsplit=1)[0]
        content = answer.get("content", {})
        assert media in content, f"{path} {status}: {media} undocumented"
        if media == "application/json":
            schema = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": self.doc["components"],
                "allOf": [content[media]["schema"]],
            }
            found = jsonschema_rs.validator_for(schema).iter_errors(json.loads(body))
            errors = [e.message for e in found]
            assert not errors, f"{method} {path} {status}: {errors[:3]}"
        self.seen.append((method, path, code))


def served(api_url: str) -> Conformance:
    """A checker of the document the running API serves."""
    return Conformance(requests.get(f"{api_url}/openapi.json", timeout=30).json())


def client(api_url: str, token: str, conformance: Conformance) -> Any:
    """The generated ``AuthenticatedClient``, each answer checked against the document."""
    package = load()
    hooks = {"response": [conformance.check]}
    return package.AuthenticatedClient(
        base_url=api_url, token=token, httpx_args={"event_hooks": hooks}, timeout=httpx.Timeout(60)
    )
