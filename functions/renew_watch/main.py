"""renew_watch (HTTP, Cloud Scheduler with OIDC): the scheduled tasks, chosen by ``?task=``:
``renew`` (default; daily watch renewal), ``sync`` (the safety-net sync) or ``audit``."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.errors import ValidationError
from shared.http import Reply, guarded, iam_token, reply, verify_scheduler
from shared.services.renew import TASKS


@functions_framework.http
def renew_watch(request: flask.Request) -> Reply:
    """Run one scheduled task; answers its counts."""

    def act() -> Reply:
        verify_scheduler(deps(), iam_token(request.headers))
        task = TASKS.get(request.args.get("task", "renew"))
        if task is None:
            fields = {"task": f"one of {', '.join(TASKS)}"}
            raise ValidationError("unknown task", details={"fields": fields})
        return reply(task(deps()))

    return guarded("renew_watch", request.headers, act)
