"""Mutated copies of the Terraform, one per mistake the deploy rules exist to catch: each must
make its rule report a problem (``python -m infra.deploy_check --mutations`` shows them)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.deploy_check import data_rules as data
from infra.deploy_check import deploy_rules as rules
from infra.deploy_check import limit_rules as limits
from infra.deploy_check.alert_rules import alert_problems
from infra.deploy_check.terraform import TF, load

Rule = Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Mutation:
    """Textual edits ``(file, old, new)`` to a copy of ``infra/terraform`` and the rule that
    must notice them."""

    name: str
    rule: Rule
    edits: tuple[tuple[str, str, str], ...]


BOOTSTRAP_REF = "data.google_secret_manager_secret.oauth_client"
MUTATIONS = (
    Mutation(
        "alert on a log message the code never writes",
        alert_problems,
        (
            (
                "alerts.tf",
                'jsonPayload.message=\\"email dead\\"',
                'jsonPayload.message=\\"email lost\\"',
            ),
        ),
    ),
    Mutation(
        "alert on a log field the code never writes",
        alert_problems,
        (("alerts.tf", "jsonPayload.audit_missing>0", "jsonPayload.missing_count>0"),),
    ),
    Mutation(
        "an alert policy that notifies nobody",
        alert_problems,
        (
            (
                "alerts.tf",
                "  notification_channels = [google_monitoring_notification_channel.email.id]"
                "\n}\n\nresource",
                "}\n\nresource",
            ),
        ),
    ),
    Mutation(
        "webhook subscription without expiration policy",
        rules.subscription_lifetime_problems,
        (
            (
                "pubsub.tf",
                '  expiration_policy {\n    ttl = ""\n  }\n\n  retry_policy',
                "  retry_policy",
            ),
        ),
    ),
    Mutation(
        "webhook may run longer than its subscription's ack deadline",
        rules.subscription_lifetime_problems,
        (
            (
                "pubsub.tf",
                "ack_deadline_seconds = local.timeouts.gmail_webhook",
                "ack_deadline_seconds = 30",
            ),
        ),
    ),
    Mutation(
        "mounted secret created in the same apply, without a version",
        rules.secret_order_problems,
        (
            (
                "main.tf",
                'data "google_secret_manager_secret"',
                'resource "google_secret_manager_secret"',
            ),
            ("main.tf", BOOTSTRAP_REF, BOOTSTRAP_REF.removeprefix("data.")),
            ("iam.tf", BOOTSTRAP_REF, BOOTSTRAP_REF.removeprefix("data.")),
        ),
    ),
    Mutation(
        "functions not waiting for their secret-accessor grant",
        rules.secret_order_problems,
        (("main.tf", "    google_secret_manager_secret_iam_member.oauth_client_reader,\n", ""),),
    ),
    Mutation(
        "push service account created before the IAM API is enabled",
        rules.api_problems,
        (
            (
                "iam.tf",
                'display_name = "Pub/Sub push to the functions (OIDC)"\n'
                "  depends_on   = [google_project_service.apis]",
                'display_name = "Pub/Sub push to the functions (OIDC)"',
            ),
        ),
    ),
    Mutation(
        "Cloud Scheduler API not enabled",
        rules.api_problems,
        (("main.tf", ' "cloudscheduler.googleapis.com",\n', "\n"),),
    ),
    Mutation(
        "push endpoint is the run.app URL, audience the cloudfunctions.net URL",
        rules.endpoint_problems,
        (
            (
                "pubsub.tf",
                "push_endpoint = local.function_url.gmail_webhook",
                'push_endpoint = module.function["gmail_webhook"].url',
            ),
        ),
    ),
    Mutation(
        "the Pub/Sub-driven functions accept tokens for no audience of theirs",
        rules.endpoint_problems,
        (
            (
                "main.tf",
                "local.function_url[name]])",
                "local.function_url.gmail_webhook])",
            ),
        ),
    ),
    Mutation(
        "scheduler token for another URL than the one it calls",
        rules.endpoint_problems,
        (
            (
                "scheduler.tf",
                "audience              = local.function_url[each.value.function]",
                'audience = "x"',
            ),
        ),
    ),
    Mutation(
        "every function open to the internet",
        rules.invoker_problems,
        (("main.tf", '"ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"', '"ALLOW_ALL" : "ALLOW_ALL"'),),
    ),
    Mutation(
        "webhook made public while its code trusts signature-removed tokens",
        rules.invoker_problems,
        (("main.tf", 'gmail_webhook  = "push"', 'gmail_webhook  = "public"'),),
    ),
    Mutation(
        "alert policies created without waiting for their new metrics",
        limits.alert_wait_problems,
        (("alerts.tf", "  depends_on            = [time_sleep.metrics_known]\n", ""),),
    ),
    Mutation(
        "push goes to the cloudfunctions.net URL internal ingress refuses it on",
        limits.ingress_url_problems,
        (
            (
                "main.tf",
                'local.ingress[name] == "ALLOW_INTERNAL_ONLY"',
                'local.ingress[name] == "NEVER"',
            ),
            ("main.tf", "${var.region}.run.app", "${var.region}.example"),
        ),
    ),
    Mutation(
        "a TTL field indexed",
        limits.ttl_index_problems,
        (("firestore.tf", "  index_config {}\n", ""),),
    ),
    Mutation(
        "chunks fetched without a byte bound",
        limits.memory_problems,
        (("main.tf", "    FETCH_BUDGET_BYTES        = tostring(local.fetch_budget_bytes)\n", ""),),
    ),
    Mutation(
        "a database without point-in-time recovery",
        data.database_problems,
        (
            (
                "firestore.tf",
                'point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"',
                'point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_DISABLED"',
            ),
        ),
    ),
    Mutation(
        "a database a delete call removes",
        data.database_problems,
        (
            (
                "firestore.tf",
                'delete_protection_state = "DELETE_PROTECTION_ENABLED"',
                'delete_protection_state = "DELETE_PROTECTION_DISABLED"',
            ),
        ),
    ),
    Mutation(
        "a database terraform destroy deletes",
        data.database_problems,
        (("firestore.tf", 'deletion_policy = "ABANDON"', 'deletion_policy = "DELETE"'),),
    ),
    Mutation(
        "a database a plan may destroy",
        data.database_problems,
        (("firestore.tf", "prevent_destroy = true", "prevent_destroy = false"),),
    ),
    Mutation(
        "no daily backup",
        data.backup_problems,
        (
            (
                "firestore.tf",
                "  daily_recurrence {}\n",
                '  weekly_recurrence {\n    day = "MONDAY"\n  }\n',
            ),
        ),
    ),
    Mutation(
        "daily backups kept a day",
        data.backup_problems,
        (("firestore.tf", 'retention = "604800s"', 'retention = "86400s"'),),
    ),
    Mutation(
        "weekly backups kept a week",
        data.backup_problems,
        (("firestore.tf", 'retention = "8467200s"', 'retention = "604800s"'),),
    ),
    Mutation(
        "a fetch budget the instance's memory cannot hold",
        limits.memory_problems,
        (("main.tf", "fetch_budget_bytes = 50331648", "fetch_budget_bytes = 503316480"),),
    ),
)


def mutated(mutation: Mutation, into: Path) -> Path:
    """A copy of the Terraform with the mutation's edits applied (each must match; a run of
    spaces matches any run, so ``terraform fmt`` realigning a block breaks no mutation)."""
    folder = into / "terraform"
    shutil.copytree(TF, folder, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    for name, old, new in mutation.edits:
        path = folder / name
        pattern = re.sub(r"(?:\\ )+", " +", re.escape(old))
        text, found = re.subn(pattern, new.replace("\\", "\\\\"), path.read_text())
        if not found:
            raise ValueError(f"{mutation.name}: {old!r} not found in {name}")
        path.write_text(text)
    return folder


def caught(mutation: Mutation) -> list[str]:
    """What the mutation's rule reports on the mutated copy (empty: the rule missed it)."""
    with tempfile.TemporaryDirectory() as tmp:
        return mutation.rule(load(mutated(mutation, Path(tmp))))
