"""The alerts exist and watch what the code really logs: every ``jsonPayload.message`` a
log-based metric matches is a message a function logs, every other ``jsonPayload`` field is
a field one logs, and every alert notifies the channel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from infra.deploy_check.terraform import ROOT

# what must be alerted on: log-based metric => what it means
REQUIRED = {
    "lh_dead_emails": "emails given up on",
    "lh_mailbox_needs_user": "mailboxes needing re-consent or blocked",
    "lh_audit_missing": "the audit found mail without a record",
    "lh_function_errors": "function errors",
    "lh_client_refused": "Google refusing the deployment's OAuth client",
    "lh_unreadable_emails": "a rate of emails the parser cannot read",
    "lh_gmail_unavailable": "mailboxes paused while Gmail is down",
}
LOGGED = re.compile(r"\blog\.(?:debug|info|warning|error|exception|critical)\(\s*\"([^\"]+)\"")
FIELD_KEY = re.compile(r"\"(\w+)\"\s*:")
PAYLOAD = re.compile(r"jsonPayload\.(\w+)\s*([:=<>!]+)\s*(\([^)]*\)|\"[^\"]*\"|\S+)")
ENTRY_KEYS = {"message", "severity", "logger", "time", "stack_trace"}  # shared/logs.py


def logged(root: Path = ROOT) -> tuple[set[str], set[str]]:
    """Messages the code logs and the keys it may log as fields."""
    messages: set[str] = set()
    keys = set(ENTRY_KEYS)
    for path in [*root.glob("shared/**/*.py"), *root.glob("functions/**/*.py")]:
        text = path.read_text()
        messages.update(LOGGED.findall(text))
        keys.update(FIELD_KEY.findall(text))
    return messages, keys


def alert_problems(tf: dict[str, Any], root: Path = ROOT) -> list[str]:
    """Every required alert exists, notifies the channel and names real log fields."""
    metrics = tf["locals"].get("log_metrics", {})
    alerts = tf["locals"].get("log_alerts", {})
    resources = tf["resource"]
    problems = [
        f"no log-based metric for {what}" for m, what in REQUIRED.items() if m not in metrics
    ]
    problems += [f"no alert policy on {m}" for m in REQUIRED if m not in alerts]
    problems += [f"alert {a} watches no log-based metric" for a in alerts if a not in metrics]
    if "dead_letters" not in resources.get("google_monitoring_alert_policy", {}):
        problems.append("no alert policy on dead-letter messages")
    for name, policy in resources.get("google_monitoring_alert_policy", {}).items():
        if "notification_channel" not in str(policy.get("notification_channels")):
            problems.append(f"alert policy {name} notifies nobody")
    messages, keys = logged(root)
    for metric, query in metrics.items():
        for field, _, value in PAYLOAD.findall(str(query).replace('\\"', '"')):
            if field not in keys:
                problems.append(f"{metric} filters on jsonPayload.{field}, which nothing logs")
            if field == "message":
                for text in re.findall(r"\"([^\"]*)\"", value):
                    if text not in messages:
                        problems.append(f"{metric} matches the message {text!r}, never logged")
    return problems
