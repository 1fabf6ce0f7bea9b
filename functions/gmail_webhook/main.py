"""gmail_webhook (HTTP, Pub/Sub push with OIDC): verify, decode, queue a sync job."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.http import Reply, bounded_body, guarded, iam_token, reply, too_large
from shared.jsonio import PUSH_BODY_MAX
from shared.services.mailbox.webhook import handle_push


@functions_framework.http
def gmail_webhook(request: flask.Request) -> Reply:
    """413 for a body over the bound (unread); 401/403 for bad tokens; 200 for handled,
    malformed or unknown pushes."""
    body = bounded_body(request, PUSH_BODY_MAX)
    if body is None:
        return too_large(PUSH_BODY_MAX)
    return guarded(
        "gmail_webhook",
        request.headers,
        lambda: reply({"status": handle_push(deps(), iam_token(request.headers), body)}),
    )
