"""Rules for what Google does on the first apply and under load (issue "Google as it really
is"): alert policies wait until Monitoring knows their metrics, push and scheduler calls go to
the URL internal ingress admits, TTL fields carry no index, and a processing instance's
memory bound holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from infra.deploy_check.terraform import TF, references

INTERNAL_URL = re.compile(r'"ALLOW_INTERNAL_ONLY"\s*\?\s*"https://[^?]*?\.run\.app"\s*:')
PINNED = re.compile(r'source\s*=\s*"hashicorp/time"\s*version\s*=\s*"=\s*\d+\.\d+\.\d+"')
PROCESSING = ("process_emails", "process_live")
# Measured by `make bench-memory` (docs/architecture.md, "Memory is bounded"): a processing
# process's memory with no email in flight, and what each byte of the fetch budget costs at
# the peak.
BASE_MIB = 90
PER_BUDGET_BYTE = 11.0
MEMORY_SHARE = 0.7
UNITS = {"Mi": 2**20, "Gi": 2**30}


def alert_wait_problems(tf: dict[str, Any]) -> list[str]:
    """Every policy on a log-based metric waits (a ``time_sleep`` after the metrics)."""
    problems = []
    sleeps = tf["resource"].get("time_sleep", {})
    waiting = {
        f"time_sleep.{name}"
        for name, body in sleeps.items()
        if any(r.startswith("google_logging_metric.") for r in references(body))
    }
    for name, policy in tf["resource"].get("google_monitoring_alert_policy", {}).items():
        if not any(r.startswith("google_logging_metric.") for r in references(policy)):
            continue
        if not waiting & references(policy.get("depends_on", [])):
            problems.append(f"alert policy {name} does not wait for its log-based metric")
    versions_tf = Path(tf.get("folder", TF)) / "versions.tf"
    versions = versions_tf.read_text() if versions_tf.exists() else ""
    if sleeps and not PINNED.search(re.sub(r"\s+", " ", versions)):
        problems.append("the hashicorp/time provider is not pinned to one version")
    return problems


def ingress_url_problems(tf: dict[str, Any]) -> list[str]:
    """Internal-only functions are called on their run.app URL (Pub/Sub push is internal
    there, not on cloudfunctions.net)."""
    if INTERNAL_URL.search(str(tf["locals"].get("function_url", ""))):
        return []
    return ["internal-only functions are not called on their run.app URL"]


def ttl_index_problems(tf: dict[str, Any]) -> list[str]:
    """A TTL field is exempt from single-field indexing."""
    return [
        f"TTL field {name} is indexed (add an empty index_config)"
        for name, field in tf["resource"].get("google_firestore_field", {}).items()
        if "ttl_config" in field and field.get("index_config") != [{}]
    ]


def _bytes(size: str) -> int:
    match = re.fullmatch(r"(\d+)(Mi|Gi)", size)
    return int(match.group(1)) * UNITS[match.group(2)] if match else 0


def memory_problems(tf: dict[str, Any]) -> list[str]:
    """Processing instances bound their raw email in flight, and that bound fits."""
    local, env = tf["locals"], tf["locals"].get("environment", {})
    problems = [
        f"{name} is not set on the functions"
        for name in ("EMAIL_MAX_BYTES", "FETCH_BUDGET_BYTES")
        if name not in env
    ]
    budget = local.get("fetch_budget_bytes")
    if not isinstance(budget, int):
        return [*problems, "the fetch budget is not a number of bytes"]
    peak = BASE_MIB * 2**20 + budget * PER_BUDGET_BYTE
    for name in PROCESSING:
        memory = _bytes(str(local["runtime"].get(name, {}).get("memory", "")))
        if peak > MEMORY_SHARE * memory:
            problems.append(f"{name}: {peak / 2**20:.0f} MiB at the peak is over 70 % of memory")
    return problems


def all_limit_problems(tf: dict[str, Any]) -> list[str]:
    """Every rule of this module."""
    return (
        alert_wait_problems(tf)
        + ingress_url_problems(tf)
        + ttl_index_problems(tf)
        + memory_problems(tf)
    )
