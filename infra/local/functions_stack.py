"""Every function in its own functions-framework process, joined by Pub/Sub as deployed."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from google.api_core.exceptions import AlreadyExists
from google.cloud import pubsub_v1  # type: ignore[attr-defined]

from infra.local.emulators import free_port, spawn, wait_http
from infra.local.stack import ROOT, LocalStack

HTTP_FUNCTIONS = ("oauth", "gmail_webhook", "retry_failed", "renew_watch")
EVENT_FUNCTIONS = {"sync_mailbox": "mailbox-sync", "process_emails": "email-batches"}
PUSH_SA = "gmail-push@leadharvest-local.iam.gserviceaccount.com"
SCHEDULER_SA = "scheduler@leadharvest-local.iam.gserviceaccount.com"
DEMO_USER = "owner@example.com"
ACK_DEADLINE_S = 300


@dataclass
class Functions:
    """The functions' ports, URLs and settings on top of a :class:`LocalStack`."""

    stack: LocalStack
    ports: dict[str, int] = field(default_factory=dict)

    def url(self, name: str) -> str:
        """Base URL of a function."""
        return f"http://127.0.0.1:{self.ports[name]}"

    def settings(self) -> dict[str, str]:
        """Settings every function process gets."""
        return {
            "PUSH_AUDIENCE": self.url("gmail_webhook"),
            "PUSH_SERVICE_ACCOUNT": PUSH_SA,
            "SCHEDULER_SERVICE_ACCOUNT": SCHEDULER_SA,
            "SCHEDULER_AUDIENCE": f"{self.url('retry_failed')},{self.url('renew_watch')}",
            "API_AUDIENCE": "fake-client",
            "ALLOWED_USERS": DEMO_USER,
            "OAUTH_REDIRECT_URI": f"{self.url('oauth')}/callback",
            "FRONTEND_URL": "http://127.0.0.1:9/app",
            "OAUTHLIB_INSECURE_TRANSPORT": "1",  # oauthlib refuses http:// token URLs otherwise
        }

    def _topics(self) -> None:
        project = self.stack.emulators.project
        publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
        topics = {"gmail-notifications", *EVENT_FUNCTIONS.values()}
        for topic in topics:
            with contextlib.suppress(AlreadyExists):
                publisher.create_topic(name=publisher.topic_path(project, topic))
        for name, topic in EVENT_FUNCTIONS.items():
            subscriber.create_subscription(
                request={
                    "name": subscriber.subscription_path(project, f"{topic}-push"),
                    "topic": publisher.topic_path(project, topic),
                    "push_config": {"push_endpoint": self.url(name)},
                    "ack_deadline_seconds": ACK_DEADLINE_S,
                }
            )
        subscriber.create_subscription(
            request={
                "name": subscriber.subscription_path(project, "gmail-notifications-relay"),
                "topic": publisher.topic_path(project, "gmail-notifications"),
                "ack_deadline_seconds": 60,
            }
        )
        subscriber.close()

    def start(self) -> Functions:
        """Create topics and subscriptions, start every function and the push relay."""
        names = [*HTTP_FUNCTIONS, *EVENT_FUNCTIONS]
        self.ports = {name: free_port() for name in names}
        env = {**self.stack.process_env(), **self.settings()}
        self._topics()
        started = []
        for name in names:
            log = self.stack.log_dir / f"fn-{name}.log"
            proc = spawn(
                [
                    sys.executable,
                    "-m",
                    "functions_framework",
                    "--target",
                    name,
                    "--source",
                    str(ROOT / "functions" / name / "main.py"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.ports[name]),
                ],
                log,
                env=env,
            )
            self.stack.procs.append(proc)
            started.append((name, proc, log))
        project = self.stack.emulators.project
        relay_log = self.stack.log_dir / "push-relay.log"
        self.stack.procs.append(
            spawn(
                [
                    sys.executable,
                    "-m",
                    "infra.local.push_relay",
                    f"projects/{project}/subscriptions/gmail-notifications-relay",
                    self.url("gmail_webhook"),
                    "--fake",
                    self.stack.fake_url,
                    "--service-account",
                    PUSH_SA,
                ],
                relay_log,
                env=env,
            )
        )
        for name, proc, log in started:
            wait_http(f"{self.url(name)}/favicon.ico", proc, log, timeout=60, ok=range(200, 500))
        return self


def logs(stack: LocalStack) -> list[Path]:
    """Every log file of the stack (for a failing test's report)."""
    return sorted(stack.log_dir.glob("*.log"))
