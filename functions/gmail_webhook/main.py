"""gmail_webhook (HTTP, Pub/Sub push with OIDC): verify, decode, queue a sync job."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.http import Reply, guarded, iam_token, reply
from shared.services.mailbox.webhook import handle_push


@functions_framework.http
def gmail_webhook(request: flask.Request) -> Reply:
    """401/403 for bad tokens; 200 for handled, malformed or unknown pushes."""
    return guarded(
        "gmail_webhook",
        request.headers,
        lambda: reply(
            {"status": handle_push(deps(), iam_token(request.headers), request.get_data())}
        ),
    )
