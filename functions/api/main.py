"""api (HTTP): the frontend's API; ID-token auth, CORS and routes in shared/services/api."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.services.api.app import serve
from shared.services.api.router import Reply


@functions_framework.http
def api(request: flask.Request) -> Reply:
    """Route the request."""
    return serve(
        deps(),
        request.method,
        request.path,
        request.headers,
        request.args.to_dict(),
        request.get_data(),
    )
