"""api (HTTP): the frontend's API; ID-token auth, CORS and routes in shared/api."""

import flask
import functions_framework

from shared.api.app import BODY_MAX, Reply, Request, serve
from shared.bootstrap import deps
from shared.http import bounded_body, request_context


@functions_framework.http
def api(request: flask.Request) -> Reply:
    """Route the request."""
    with request_context("api", request.headers):
        return serve(
            deps(),
            Request(
                request.method,
                request.path,
                request.headers,
                request.args.to_dict(),
                bounded_body(request, BODY_MAX),  # None: over the bound, never read
            ),
        )
