"""oauth (HTTP): a browser connects a mailbox.

``POST /start`` (a top-level form submission from the frontend's own origin, carrying the
user's Google ID token as ``id_token``) sets a short-lived first-party cookie and redirects
to Google's consent; the state carries the cookie's hash. ``GET /callback`` accepts the
consent only in the browser holding that cookie (OAuth 2.0 Security BCP) and binds nothing
by itself: it returns the browser to the frontend with a pending connection, which the
signed-in frontend confirms with its bearer token (``POST /gmail/connections/{id}``); only
the user who started it can. Every outcome ends on the frontend with a reason, never on a
JSON page.
"""

import secrets
from urllib.parse import urlencode

import flask
import functions_framework

from shared.bootstrap import deps
from shared.errors import LeadHarvestError
from shared.http import Reply, guarded, oversized, reply, too_large, verify_user
from shared.http_errors import envelope
from shared.services.mailbox.connect import complete, consent_url

COOKIE = "lh_consent"
COOKIE_ATTRS = "Path=/; HttpOnly; Secure; SameSite=Lax"
GONE = f"{COOKIE}=; Max-Age=0; {COOKIE_ATTRS}"
GOOGLE_ERRORS = frozenset({"access_denied", "invalid_scope", "consent_required"})
FORM_MAX = 16 * 1024  # the /start form carries one ID token (about 1.5 KB)


def _back(query: dict[str, str], cookie: str | None = None) -> Reply:
    """Back to the frontend with what happened (303: the browser GETs the page)."""
    headers = {"Location": f"{deps().settings.frontend_url}?{urlencode(query)}"}
    headers["Cache-Control"] = "no-store"
    if cookie:
        headers["Set-Cookie"] = cookie
    return "", 303, headers


def _start(request: flask.Request) -> Reply:
    origins = {o.rstrip("/") for o in deps().settings.frontend_origins}
    origin = request.headers.get("Origin", "")
    if not origin or origin.rstrip("/") not in origins:
        # a form posted from another site (a forced start) or by a script without a browser
        return _back({"gmail": "error", "reason": "origin_refused"})
    try:
        user = verify_user(deps(), f"Bearer {request.form.get('id_token', '')}")
    except LeadHarvestError as exc:
        return _back({"gmail": "error", "reason": exc.code})
    key = secrets.token_urlsafe(32)
    url = consent_url(deps(), user, key)
    cookie = f"{COOKIE}={key}; Max-Age=600; {COOKIE_ATTRS}"
    return "", 303, {"Location": url, "Set-Cookie": cookie, "Cache-Control": "no-store"}


def _callback(request: flask.Request) -> Reply:
    error = request.args.get("error", "")
    if error:  # the user cancelled at Google (or Google refused): nothing to consume
        reason = error if error in GOOGLE_ERRORS else "google_error"
        return _back({"gmail": "error", "reason": reason}, GONE)
    code, state = request.args.get("code", ""), request.args.get("state", "")
    try:
        pending = complete(deps(), code, state, request.cookies.get(COOKIE, ""))
    except LeadHarvestError as exc:  # foreign or used state, refused code, scope unticked
        return _back({"gmail": "error", "reason": exc.code}, GONE)
    query = {"gmail": "pending", "pending": pending.id, "mailbox": pending.mailbox}
    return _back(query, GONE)


@functions_framework.http
def oauth(request: flask.Request) -> Reply:
    """Route by path suffix; a body over ``FORM_MAX`` is refused before it is read."""
    if oversized(request, FORM_MAX):  # browsers send a form's length: refused unread
        return too_large(FORM_MAX)
    path = request.path.rstrip("/")
    if path.endswith("/callback"):
        return guarded("oauth", request.headers, lambda: _callback(request))
    if path.endswith("/start"):
        if request.method != "POST":
            message = "open /start by submitting a form (POST, field id_token) from the browser"
            return reply(envelope("method_not_allowed", message), 405)
        return guarded("oauth", request.headers, lambda: _start(request))
    return reply(envelope("not_found", "no such route"), 404)
