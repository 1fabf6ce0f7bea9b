"""The Terraform matches the code: functions, topics, settings, indexes, schedules, docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from infra.deploy_check.alert_rules import alert_problems
from infra.deploy_check.terraform import ROOT, TF
from shared.config import FROM_SECRETS, PRODUCTION_DEFAULTS, SETTINGS
from shared.services.scheduled.tasks import TASKS
from shared.store.indexes import INDEXES, TTL_FIELDS

SECRET_LIKE = re.compile(
    r"1//[0-9A-Za-z_-]{10,}|ya29\.|-----BEGIN|GOCSPX-|secret_data\s*=|AIza[0-9A-Za-z_-]{20,}"
)


def function_problems(tf: dict[str, Any]) -> list[str]:
    """Every functions/<name> is deployed with its entry point and the right trigger."""
    loc = tf["locals"]
    http, event = set(loc["functions_http"]), dict(loc["functions_event"])
    folders = {p.parent.name for p in (ROOT / "functions").glob("*/main.py")}
    problems = [f"functions/{n} has no function in Terraform" for n in folders - http - set(event)]
    problems += [
        f"Terraform deploys {n} but functions/{n} is missing" for n in (http | set(event)) - folders
    ]
    module_main = (TF / "modules" / "function" / "main.tf").read_text()
    if not re.search(r"entry_point\s*=\s*var\.name\b", module_main):
        problems.append("the function module does not use the function name as entry point")
    for name, topic_key in event.items():
        if topic_key not in loc["topics"]:
            problems.append(f"{name} is triggered by an unknown topic {topic_key}")
    return problems


def topic_problems(tf: dict[str, Any]) -> list[str]:
    """Every topic the code publishes to, or Gmail publishes to, exists."""
    topics = set(tf["locals"]["topics"].values())
    used = {SETTINGS[k][0] for k in ("TOPIC_GMAIL", "TOPIC_SYNC", "TOPIC_BATCHES")}
    env = tf["locals"]["environment"]
    for key in ("TOPIC_GMAIL", "TOPIC_SYNC", "TOPIC_BATCHES"):
        value = str(env.get(key, f"missing {key}"))
        ref = re.fullmatch(r"\$\{local\.topics\.(\w+)\}", value)
        used.add(tf["locals"]["topics"].get(ref.group(1), value) if ref else value)
    return [f"topic {t} is used but not created" for t in sorted(used - topics)]


def env_problems(tf: dict[str, Any]) -> list[str]:
    """Every setting shared/config.py reads is set on the functions (or defaults right)."""
    given = set(tf["locals"]["environment"]) | set(tf["locals"].get("secret_environment", {}))
    missing = set(SETTINGS) - given - PRODUCTION_DEFAULTS
    problems = [f"setting {n} is not set on the functions" for n in sorted(missing)]
    problems += [
        f"{n} must come from Secret Manager"
        for n in sorted(FROM_SECRETS - set(tf["locals"].get("secret_environment", {})))
    ]
    return problems


def index_problems(tf: dict[str, Any]) -> list[str]:
    """Every composite index the queries need is declared; TTL on expiring collections."""
    declared = {
        (v["collection"], tuple(tuple(f) for f in v["fields"]))
        for v in tf["locals"]["indexes"].values()
    }
    problems = [
        f"index {name} on {coll} {fields} is not declared"
        for name, (coll, fields) in INDEXES.items()
        if (coll, fields) not in declared
    ]
    ttl = tf["locals"].get("ttl_fields", {})
    problems += [f"no TTL on {c}.{f}" for c, f in TTL_FIELDS.items() if ttl.get(c) != f]
    return problems


def scheduler_problems(tf: dict[str, Any]) -> list[str]:
    """Every Scheduler job calls an existing HTTP function with an OIDC token."""
    problems = []
    jobs = tf["resource"].get("google_cloud_scheduler_job", {})
    if not jobs:
        return ["no Cloud Scheduler jobs"]
    tasks = {"": None, **{t: None for t in TASKS}}  # retry_failed takes no task
    for name, spec in tf["locals"]["schedules"].items():
        if not isinstance(spec, dict) or spec.get("function") not in tf["locals"]["functions_http"]:
            problems.append(f"scheduler job {name} targets no HTTP function")
        elif spec.get("task") not in tasks:
            problems.append(f"scheduler job {name} asks for a task the code does not know")
    for job in jobs.values():
        if "oidc_token" not in job["http_target"][0]:
            problems.append("a scheduler job does not call its function with an OIDC token")
    return problems


def subscription_problems(tf: dict[str, Any]) -> list[str]:
    """Pushes reach functions with OIDC tokens, retry with backoff, and dead-letter."""
    subs = tf["resource"].get("google_pubsub_subscription", {})
    problems = []
    for name in ("gmail_push", "function_push"):
        sub = subs.get(name)
        if sub is None:
            problems.append(f"push subscription {name} is missing")
            continue
        push = (sub.get("push_config") or [{}])[0]
        for part, ok in (
            ("OIDC token", "oidc_token" in push),
            ("retry policy", "retry_policy" in sub),
            ("dead-letter policy", "dead_letter_policy" in sub),
        ):
            if not ok:
                problems.append(f"subscription {name} has no {part}")
    push = subs.get("function_push", {})
    if push and "local.functions_event" not in str(push.get("for_each")):
        problems.append("the Pub/Sub-driven functions are not all pushed to")
    return problems


def doc_problems(tf: dict[str, Any], guide: str, example: str) -> list[str]:
    """Every variable is explained in the deploy guide (docs/deploy.md); every required one is in
    ``terraform.tfvars.example``."""
    problems = [
        f"variable {v} is not in docs/deploy.md" for v in tf["variable"] if f"`{v}`" not in guide
    ]
    problems += [
        f"required variable {v} is not in terraform.tfvars.example"
        for v, spec in tf["variable"].items()
        if "default" not in spec and not re.search(rf"^{v}\s*=", example, re.M)
    ]
    return problems


def secret_problems(folder: Path = TF) -> list[str]:
    """No secret value in any .tf file."""
    return [
        f"{p.name} looks like it holds a secret value"
        for p in folder.rglob("*.tf")
        if SECRET_LIKE.search(p.read_text())
    ]


def all_problems(tf: dict[str, Any]) -> list[str]:
    """Every check together."""
    return (
        function_problems(tf)
        + topic_problems(tf)
        + env_problems(tf)
        + index_problems(tf)
        + scheduler_problems(tf)
        + subscription_problems(tf)
        + alert_problems(tf)
    )
