"""oauth (HTTP): ``/start`` gives a signed-in user the consent URL; ``/callback`` connects."""

from urllib.parse import urlencode

import flask
import functions_framework

from shared.bootstrap import deps
from shared.errors import LeadHarvestError, ValidationError
from shared.http import Reply, guarded, reply, verify_user
from shared.http_errors import envelope
from shared.services.connect import complete, consent_url


def _callback(request: flask.Request) -> Reply:
    front = deps().settings.frontend_url
    try:
        complete(deps(), request.args.get("code", ""), request.args.get("state", ""))
    except ValidationError:
        raise  # bad state or code: 400 through guarded, nothing changed
    except LeadHarvestError as exc:
        query = urlencode({"gmail": "error", "reason": exc.code})
        return "", 302, {"Location": f"{front}?{query}"}
    return "", 302, {"Location": f"{front}?{urlencode({'gmail': 'connected'})}"}


@functions_framework.http
def oauth(request: flask.Request) -> Reply:
    """Route by path suffix."""
    path = request.path.rstrip("/")
    if path.endswith("/callback"):
        return guarded("oauth", request.headers, lambda: _callback(request))
    if path.endswith("/start"):
        return guarded(
            "oauth",
            request.headers,
            lambda: reply(
                {
                    "url": consent_url(
                        deps(), verify_user(deps(), request.headers.get("Authorization"))
                    )
                }
            ),
        )
    return reply(envelope("not_found", "no such route"), 404)
