"""oauth (HTTP): a browser connects a mailbox.

``POST /start`` (a top-level form submission carrying the user's Google ID token as
``id_token``) sets a short-lived first-party cookie and redirects to Google's consent; the
state carries the cookie's hash. ``GET /callback`` connects only in the browser holding that
cookie (OAuth 2.0 Security BCP: the flow is bound to the user agent that started it).
"""

import secrets
from urllib.parse import urlencode

import flask
import functions_framework

from shared.bootstrap import deps
from shared.errors import LeadHarvestError, ValidationError
from shared.http import Reply, guarded, reply, verify_user
from shared.http_errors import envelope
from shared.services.connect import complete, consent_url

COOKIE = "lh_consent"
COOKIE_ATTRS = "Path=/; HttpOnly; Secure; SameSite=Lax"


def _start(request: flask.Request) -> Reply:
    user = verify_user(deps(), f"Bearer {request.form.get('id_token', '')}")
    key = secrets.token_urlsafe(32)
    url = consent_url(deps(), user, key)
    cookie = f"{COOKIE}={key}; Max-Age=600; {COOKIE_ATTRS}"
    return "", 303, {"Location": url, "Set-Cookie": cookie, "Cache-Control": "no-store"}


def _callback(request: flask.Request) -> Reply:
    front = deps().settings.frontend_url
    gone = f"{COOKIE}=; Max-Age=0; {COOKIE_ATTRS}"
    code, state = request.args.get("code", ""), request.args.get("state", "")
    try:
        complete(deps(), code, state, request.cookies.get(COOKIE, ""))
    except ValidationError:
        raise  # bad or foreign state, bad code: 400 through guarded, nothing changed
    except LeadHarvestError as exc:
        query = urlencode({"gmail": "error", "reason": exc.code})
        return "", 302, {"Location": f"{front}?{query}", "Set-Cookie": gone}
    connected = urlencode({"gmail": "connected"})
    return "", 302, {"Location": f"{front}?{connected}", "Set-Cookie": gone}


@functions_framework.http
def oauth(request: flask.Request) -> Reply:
    """Route by path suffix."""
    path = request.path.rstrip("/")
    if path.endswith("/callback"):
        return guarded("oauth", request.headers, lambda: _callback(request))
    if path.endswith("/start"):
        if request.method != "POST":
            message = "open /start by submitting a form (POST, field id_token) from the browser"
            return reply(envelope("method_not_allowed", message), 405)
        return guarded("oauth", request.headers, lambda: _start(request))
    return reply(envelope("not_found", "no such route"), 404)
