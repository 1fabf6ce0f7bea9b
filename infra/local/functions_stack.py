"""Every function in its own functions-framework process, joined by Pub/Sub as deployed.

Every call reaches a function through the local Cloud Run front (``cloud_run_front``), which
checks tokens and invokers as Cloud Run's IAM does (``shared/invokers.py``), removes the
token's signature and adds Cloud Run's headers. The Pub/Sub emulator's push sends no token, so
every push subscription is delivered by a relay (``push_relay``) that signs in as the push
service account, as Pub/Sub's OIDC push does.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field

from google.api_core.exceptions import AlreadyExists
from google.cloud import pubsub_v1  # type: ignore[attr-defined]

from infra.local.emulators import free_port, spawn, wait_http
from infra.local.stack import ROOT, LocalStack
from shared.invokers import INVOKERS, Invoker

HTTP_FUNCTIONS = ("api", "oauth", "gmail_webhook", "retry_failed", "scheduled_tasks")
EVENT_FUNCTIONS = {
    "sync_mailbox": "mailbox-sync",
    "process_emails": "email-batches",
    "process_live": "email-live",
}
PUSH_SA = "gmail-push@leadharvest-local.iam.gserviceaccount.com"
SCHEDULER_SA = "scheduler@leadharvest-local.iam.gserviceaccount.com"
DEMO_USER = "owner@example.com"
ACK_DEADLINE_S = 300
CONCURRENCY = 16  # = push_relay's messages in flight per subscription


@dataclass
class Functions:
    """The functions' ports, URLs and settings on top of a :class:`LocalStack`."""

    stack: LocalStack
    ports: dict[str, int] = field(default_factory=dict)
    front_ports: dict[str, int] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    ack_deadline_s: int = ACK_DEADLINE_S
    twice: bool = False  # every Pub/Sub message delivered twice, copies late (relays)
    host: str = "127.0.0.1"  # the functions' host name in their URLs ("localhost": another site)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _env: dict[str, str] = field(default_factory=dict)

    def url(self, name: str) -> str:
        """A function's URL: its Cloud Run front (what callers and token audiences use)."""
        return f"http://{self.host}:{self.front_ports[name]}"

    def instance_url(self, name: str) -> str:
        """The function's own process, behind the front (only the stack itself uses it)."""
        return f"http://127.0.0.1:{self.ports[name]}"

    def routes(self) -> list[dict[str, object]]:
        """The front's routes: each function's URL, process and invokers."""
        members = {
            Invoker.PUBLIC: "allUsers",
            Invoker.PUSH: PUSH_SA,
            Invoker.SCHEDULER: SCHEDULER_SA,
        }
        return [
            {
                "name": name,
                "port": self.front_ports[name],
                "url": self.url(name),
                "upstream": self.ports[name],
                "invokers": [members[INVOKERS[name]]],
            }
            for name in self.ports
        ]

    def settings(self) -> dict[str, str]:
        """Settings every function process gets."""
        return {
            "PUSH_AUDIENCE": self.url("gmail_webhook"),
            "PUSH_SERVICE_ACCOUNT": PUSH_SA,
            "EVENT_AUDIENCES": ",".join(self.url(name) for name in EVENT_FUNCTIONS),
            "SCHEDULER_SERVICE_ACCOUNT": SCHEDULER_SA,
            "SCHEDULER_AUDIENCE": f"{self.url('retry_failed')},{self.url('scheduled_tasks')}",
            "API_AUDIENCE": "fake-client",
            "ALLOWED_USERS": DEMO_USER,
            "OAUTH_REDIRECT_URI": f"{self.url('oauth')}/callback",
            "FRONTEND_URL": "http://127.0.0.1:9/app",
            "OAUTHLIB_INSECURE_TRANSPORT": "1",  # oauthlib refuses http:// token URLs otherwise
            # requests one process serves at once, as one production instance does (Terraform
            # concurrency of the event functions); each relay keeps as many in flight
            "THREADS": str(CONCURRENCY),
        }

    def _subscriptions(self) -> dict[str, str]:
        """Create topics and subscriptions; returns relayed subscription → endpoint."""
        project = self.stack.emulators.project
        publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
        relayed = {"gmail-notifications": self.url("gmail_webhook")}
        relayed |= {topic: self.url(name) for name, topic in EVENT_FUNCTIONS.items()}
        for topic in relayed:
            with contextlib.suppress(AlreadyExists):
                publisher.create_topic(name=publisher.topic_path(project, topic))
        out = {}
        for topic, endpoint in relayed.items():
            sub = subscriber.subscription_path(project, f"{topic}-relay")
            subscriber.create_subscription(
                request={
                    "name": sub,
                    "topic": publisher.topic_path(project, topic),
                    "ack_deadline_seconds": self.ack_deadline_s,
                }
            )
            out[sub] = endpoint
        subscriber.close()
        return out

    def _spawn(self, name: str) -> subprocess.Popen[bytes]:
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
            env=self._env,
        )
        self.procs[name] = proc
        self.stack.procs.append(proc)
        return proc

    def _wait(self, name: str) -> None:
        log = self.stack.log_dir / f"fn-{name}.log"
        url = f"{self.instance_url(name)}/favicon.ico"
        wait_http(url, self.procs[name], log, timeout=60, ok=range(200, 500))

    def _front(self) -> subprocess.Popen[bytes]:
        log = self.stack.log_dir / "cloud-run-front.log"
        cmd = [sys.executable, "-m", "infra.local.cloud_run_front", json.dumps(self.routes())]
        proc = spawn(cmd, log, env=self._env)
        self.stack.procs.append(proc)
        return proc

    def start(self) -> Functions:
        """Create topics and subscriptions, start every function and the relays."""
        names = [*HTTP_FUNCTIONS, *EVENT_FUNCTIONS]
        self.ports = {name: free_port() for name in names}
        self.front_ports = {name: free_port() for name in names}
        self._env = {**self.stack.process_env(), **self.settings(), **self.extra_env}
        relayed = self._subscriptions()
        for name in names:
            self._spawn(name)
        front = self._front()
        for n, (sub, endpoint) in enumerate(relayed.items()):
            cmd = [
                sys.executable,
                "-m",
                "infra.local.push_relay",
                sub,
                endpoint,
                "--fake",
                self.stack.fake_url,
                "--service-account",
                PUSH_SA,
            ]
            self.stack.procs.append(
                spawn(
                    cmd + (["--twice"] if self.twice else []),
                    self.stack.log_dir / f"relay-{n}.log",
                    env=self._env,
                )
            )
        for name in names:
            self._wait(name)
        front_log = self.stack.log_dir / "cloud-run-front.log"
        wait_http(
            f"{self.url('api')}/favicon.ico", front, front_log, timeout=30, ok=range(200, 500)
        )
        return self

    def kill(self, name: str) -> None:
        """Kill a function's process at once (SIGKILL), as a crashed instance."""
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def restart(self, name: str) -> None:
        """Start a killed function again on its port."""
        self._spawn(name)
        self._wait(name)
