"""Rules a first deploy needs and `terraform validate` cannot see (issue: "the first deploy
works"): subscriptions that neither expire nor redeliver running work, secrets that exist
before the functions mount them, API enablement before use, one URL per function for the
endpoint and the token audience, and invokers equal to ``shared/invokers.py``."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from infra.deploy_check.terraform import local_refs, nodes, references
from shared.invokers import INVOKERS

MAX_ACK_S = 600
# The API each kind of resource is served by (longest prefix wins).
API_OF = {
    "google_pubsub_": "pubsub.googleapis.com",
    "google_cloudfunctions2_": "cloudfunctions.googleapis.com",
    "google_cloud_run_": "run.googleapis.com",
    "google_cloud_scheduler_": "cloudscheduler.googleapis.com",
    "google_secret_manager_": "secretmanager.googleapis.com",
    "google_firestore_": "firestore.googleapis.com",
    "google_storage_": "storage.googleapis.com",
    "google_logging_": "logging.googleapis.com",
    "google_monitoring_": "monitoring.googleapis.com",
    "google_service_account": "iam.googleapis.com",
    "google_project_iam_custom_role": "iam.googleapis.com",
    "google_project_iam_member": "cloudresourcemanager.googleapis.com",
    "google_project": "cloudresourcemanager.googleapis.com",
}
MODULE_APIS = {
    "function": [
        "cloudfunctions.googleapis.com",
        "run.googleapis.com",
        "cloudbuild.googleapis.com",
        "artifactregistry.googleapis.com",
    ]
}
API_NAME = re.compile(r"[a-z0-9-]+\.googleapis\.com")
FUNCTION_URL = re.compile(
    r"^\$\{local\.function_url(?:\.(\w+)|\[each\.key\]|\[each\.value\.function\])\}$"
)


def _keys(tf: dict[str, Any], for_each: Any) -> list[str | None]:
    """The ``each.key`` values of a ``for_each`` over a local (``[None]`` without one)."""
    if for_each is None:
        return [None]
    match = re.fullmatch(r"\$\{(?:toset\()?local\.(\w+)\)?\}", str(for_each))
    value = tf["locals"].get(match.group(1)) if match else None
    return list(value) if isinstance(value, dict | list) else []


def _target(expr: Any, key: str | None) -> str | None:
    """The function a ``local.function_url`` expression points at."""
    match = FUNCTION_URL.match(str(expr))
    return (match.group(1) or key) if match else None


def _number(tf: dict[str, Any], expr: Any, key: str | None) -> int | None:
    if isinstance(expr, int):
        return expr
    match = re.fullmatch(r"\$\{local\.(\w+)(?:\.(\w+)|\[each\.key\])\}", str(expr))
    if not match:
        return None
    value = tf["locals"].get(match.group(1), {}).get(match.group(2) or key)
    return value if isinstance(value, int) else None


def subscription_lifetime_problems(tf: dict[str, Any]) -> list[str]:
    """Every subscription never expires; every push waits as long as its target may run."""
    problems = []
    module_timeout = str(tf["module"].get("function", {}).get("timeout_seconds"))
    if module_timeout != "${local.timeouts[each.value]}":
        problems.append("function timeouts do not come from local.timeouts")
    for name, sub in tf["resource"].get("google_pubsub_subscription", {}).items():
        if [p.get("ttl") for p in sub.get("expiration_policy", [])] != [""]:
            problems.append(f"subscription {name} is deleted after 31 days without traffic")
        if "push_config" not in sub:
            continue
        for key in _keys(tf, sub.get("for_each")):
            target = _target(sub["push_config"][0].get("push_endpoint"), key)
            ack = _number(tf, sub.get("ack_deadline_seconds", 10), key)
            timeout = tf["locals"].get("timeouts", {}).get(target)
            if target is None or ack is None or timeout is None:
                problems.append(f"subscription {name}[{key}]: ack deadline or target unknown")
            elif not timeout <= ack <= MAX_ACK_S:
                problems.append(
                    f"subscription {name}[{key}] acks after {ack}s but {target} may run {timeout}s"
                )
    return problems


def endpoint_problems(tf: dict[str, Any]) -> list[str]:
    """Callers post to the same URL their token is for, and the code expects that URL."""
    problems = []
    calls = [
        (f"subscription {n}", s["push_config"][0], "push_endpoint")
        for n, s in tf["resource"].get("google_pubsub_subscription", {}).items()
        if "push_config" in s
    ] + [
        (f"scheduler job {n}", j["http_target"][0], "uri")
        for n, j in tf["resource"].get("google_cloud_scheduler_job", {}).items()
    ]
    for what, call, field in calls:
        endpoint, audience = call.get(field), call.get("oidc_token", [{}])[0].get("audience")
        if endpoint != audience or not FUNCTION_URL.match(str(endpoint)):
            problems.append(f"{what} posts to {endpoint} with a token for {audience}")
    env = tf["locals"].get("environment", {})
    if env.get("PUSH_AUDIENCE") != "${local.function_url.gmail_webhook}":
        problems.append("PUSH_AUDIENCE is not the webhook's URL")
    if "local.function_url[name]" not in str(env.get("EVENT_AUDIENCES")):
        problems.append("EVENT_AUDIENCES is not the URLs of the Pub/Sub-driven functions")
    for job, spec in tf["locals"].get("schedules", {}).items():
        function = spec.get("function") if isinstance(spec, dict) else None
        if f"local.function_url.{function}" not in str(env.get("SCHEDULER_AUDIENCE")):
            problems.append(f"SCHEDULER_AUDIENCE does not include the URL {job} calls")
    hook = tf["resource"].get("google_pubsub_subscription", {}).get("gmail_push", {})
    if _target(hook.get("push_config", [{}])[0].get("push_endpoint"), None) != "gmail_webhook":
        problems.append("Gmail's notifications are not pushed to gmail_webhook")
    return problems


def secret_order_problems(tf: dict[str, Any]) -> list[str]:
    """Every secret a function mounts has a version, and the function's access to it, before
    the function is created (Cloud Run resolves mounted secrets before an instance starts)."""
    problems = []
    module = tf["module"].get("function", {})
    waits_for = references(module.get("depends_on", []))
    grants = tf["resource"].get("google_secret_manager_secret_iam_member", {})
    for env, ref in tf["locals"].get("secret_environment", {}).items():
        match = re.fullmatch(
            r"\$\{((?:data\.)?google_secret_manager_secret\.\w+)\.secret_id\}", ref
        )
        if not match:
            problems.append(f"{env} does not mount a Secret Manager secret")
            continue
        secret = match.group(1)
        if not secret.startswith("data."):  # created in this apply: needs a version first
            versions = [
                f"google_secret_manager_secret_version.{n}"
                for n, v in tf["resource"].get("google_secret_manager_secret_version", {}).items()
                if secret in references(v.get("secret"))
            ]
            if not set(versions) & waits_for:
                problems.append(f"{env}: {secret} has no version before the functions start")
        readers = [
            f"google_secret_manager_secret_iam_member.{n}"
            for n, g in grants.items()
            if secret in references(g.get("secret_id"))
            and "local.function_names" in str(g.get("for_each"))
        ]
        if not set(readers) & waits_for:
            problems.append(f"{env}: the functions may start before they can read {secret}")
    return problems


def _api_of(address: str) -> list[str]:
    if address.startswith("module."):
        return MODULE_APIS.get(address.split(".")[1], [])
    rtype = address.removeprefix("data.").split(".")[0]
    if rtype == "google_project_service":
        return []
    prefix = max((p for p in API_OF if rtype.startswith(p)), key=len, default=None)
    return [API_OF[prefix]] if prefix else []


def api_problems(tf: dict[str, Any]) -> list[str]:
    """Every resource waits for its API: enabled by the bootstrap step, or by
    ``google_project_service.apis`` which it reaches through its references."""
    everything = nodes(tf)
    enabled = set(API_NAME.findall(str(tf["locals"].get("apis", ""))))
    bootstrap = set(API_NAME.findall(str(tf["locals"].get("bootstrap_apis", ""))))
    edges = {a: references(b) | local_refs(b, tf) for a, b in everything.items()}
    problems = []
    for address in everything:
        needed = set(_api_of(address)) - bootstrap
        if not needed:
            continue
        if address.startswith("data."):
            problems.append(f"{address} is read at plan time but needs {sorted(needed)}")
            continue
        problems += [f"{address} needs {api}, which is never enabled" for api in needed - enabled]
        seen, todo = {address}, deque([address])
        while todo:
            for ref in edges.get(todo.popleft(), set()) - seen:
                seen.add(ref)
                todo.append(ref)
        if "google_project_service.apis" not in seen:
            problems.append(f"{address} does not wait for {sorted(needed)} to be enabled")
    return problems


def invoker_problems(tf: dict[str, Any]) -> list[str]:
    """Invokers equal ``shared/invokers.py``: what the code trusts is what IAM enforces."""
    declared = tf["locals"].get("invokers", {})
    problems = [
        f"{fn}: Terraform says {declared.get(fn)}, the code trusts {kind.value}"
        for fn, kind in INVOKERS.items()
        if declared.get(fn) != kind.value
    ]
    members = tf["locals"].get("invoker_members", {})
    if members.get("public") != "allUsers" or "push.email" not in str(members.get("push")):
        problems.append("invoker_members does not map public/push/scheduler to their members")
    if "scheduler.email" not in str(members.get("scheduler")):
        problems.append("scheduler invoker is not the scheduler account")
    grants = {
        f"{rtype}.{name}": body
        for rtype, named in tf["resource"].items()
        if re.search(r"(cloud_run|cloudfunctions2?).*_iam_(member|binding|policy)$", rtype)
        for name, body in named.items()
    }
    for address, body in grants.items():
        if body.get("for_each") != "${local.invokers}" or "local.invoker_members" not in str(
            body.get("member")
        ):
            problems.append(f"{address} grants invocation outside local.invokers")
    if not grants:
        problems.append("no invoker bindings")
    ingress = str(tf["locals"].get("ingress", ""))
    if not re.search(r'who == "public" \? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"', ingress) or (
        str(tf["module"].get("function", {}).get("ingress")) != "${local.ingress[each.value]}"
    ):
        problems.append("functions only Pub/Sub or Scheduler call are not internal-only")
    return problems


def all_deploy_problems(tf: dict[str, Any]) -> list[str]:
    """Every deploy rule together."""
    return (
        subscription_lifetime_problems(tf)
        + endpoint_problems(tf)
        + secret_order_problems(tf)
        + api_problems(tf)
        + invoker_problems(tf)
    )
