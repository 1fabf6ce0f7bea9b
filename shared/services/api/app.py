"""The API's route table."""

from __future__ import annotations

from typing import Any

from shared.bootstrap import Deps
from shared.services.api import gmail_routes, lead_routes, processing_routes
from shared.services.api.router import Reply, Router, handle

ROUTER = Router()
for module in (gmail_routes, processing_routes, lead_routes):
    module.register(ROUTER)


def serve(
    deps: Deps, method: str, path: str, headers: Any, args: dict[str, str], body: bytes
) -> Reply:
    """Answer one API request."""
    return handle(deps, ROUTER, method, path, headers, args, body)
