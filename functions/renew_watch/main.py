"""renew_watch (HTTP, Cloud Scheduler daily with OIDC): renew watches, safety-net syncs."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.http import Reply, guarded, iam_token, reply, verify_scheduler
from shared.services.renew import renew_watches


@functions_framework.http
def renew_watch(request: flask.Request) -> Reply:
    """Renew every connected mailbox's watch; answers the counts."""

    def act() -> Reply:
        verify_scheduler(deps(), iam_token(request.headers))
        return reply(renew_watches(deps()))

    return guarded("renew_watch", request.headers, act)
