"""Who may invoke each function: the one table the code, the local Cloud Run front and the
Terraform checks read.

``PUBLIC`` functions are invokable by ``allUsers`` and verify every token in full (signature
included). The others are invokable only by one service account through Cloud Run's IAM;
Cloud Run removes the token's signature before the request reaches them, so they check the
claims (``TokenVerifier.verify_behind_iam``). A function must never be both.
"""

from __future__ import annotations

from enum import StrEnum


class Invoker(StrEnum):
    """Who calls a function."""

    PUBLIC = "public"  # allUsers; the function verifies signed tokens itself
    PUSH = "push"  # Pub/Sub push's service account (OIDC)
    SCHEDULER = "scheduler"  # Cloud Scheduler's service account (OIDC)


INVOKERS: dict[str, Invoker] = {
    "api": Invoker.PUBLIC,
    "oauth": Invoker.PUBLIC,
    "gmail_webhook": Invoker.PUSH,
    "sync_mailbox": Invoker.PUSH,
    "process_emails": Invoker.PUSH,
    "process_live": Invoker.PUSH,
    "retry_failed": Invoker.SCHEDULER,
    "scheduled_tasks": Invoker.SCHEDULER,
}


def behind_iam(function: str) -> bool:
    """Whether Cloud Run's IAM restricts who may call ``function``."""
    return INVOKERS[function] is not Invoker.PUBLIC
