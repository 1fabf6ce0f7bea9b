"""retry_failed (HTTP, Cloud Scheduler with OIDC): due retry entries back to processing."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.http import Reply, guarded, iam_token, reply, verify_scheduler
from shared.services.scheduled.retry import retry_due


@functions_framework.http
def retry_failed(request: flask.Request) -> Reply:
    """Requeue due retries; answers ``{"requeued": n}``."""

    def act() -> Reply:
        verify_scheduler(deps(), iam_token(request.headers))
        return reply({"requeued": retry_due(deps())})

    return guarded("retry_failed", request.headers, act)
