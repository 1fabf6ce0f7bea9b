"""scheduled_tasks (HTTP, Cloud Scheduler with OIDC): the scheduled tasks, chosen by the JSON
body's ``task``: ``renew`` (the default; daily watch renewal), ``sync`` (the safety-net sync)
or ``audit``."""

import flask
import functions_framework

from shared.bootstrap import deps
from shared.errors import ValidationError
from shared.http import Reply, bounded_body, guarded, iam_token, reply, too_large, verify_scheduler
from shared.jsonio import decode_json
from shared.services.scheduled.tasks import TASKS

BODY_MAX = 1024


@functions_framework.http
def scheduled_tasks(request: flask.Request) -> Reply:
    """Run one scheduled task; answers its counts."""

    raw = bounded_body(request, BODY_MAX)
    if raw is None:
        return too_large(BODY_MAX)

    def act() -> Reply:
        verify_scheduler(deps(), iam_token(request.headers))
        body = decode_json(raw, BODY_MAX) if raw.strip() else {}
        name = body.get("task", "renew") if isinstance(body, dict) else None
        task = TASKS.get(name) if isinstance(name, str) else None
        if task is None:
            fields = {"task": f"one of {', '.join(TASKS)}"}
            raise ValidationError("unknown task", details={"fields": fields})
        return reply(task(deps()))

    return guarded("scheduled_tasks", request.headers, act)
