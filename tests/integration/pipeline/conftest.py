"""In-process pipeline on the real emulators and the fake Google: settings, topics, helpers."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.cloud import pubsub_v1  # type: ignore[attr-defined]

from infra.local.emulators import Emulators
from infra.local.fake_google.server import FakeGoogle
from shared import bootstrap, config, events
from shared.bootstrap import Deps
from shared.services.mailbox import sync
from shared.services.mailbox.bind import confirm
from shared.services.mailbox.connect import complete, consent_url
from shared.store.indexes import INDEXES
from tests import query_shapes

PUSH_SA = "push@test.iam.gserviceaccount.com"
SCHED_SA = "scheduler@test.iam.gserviceaccount.com"
USER = "owner@example.com"
LABEL = "Processed lead"
BROWSER = "cookie-of-the-browser-that-started"


@dataclass
class Pipeline:
    """Settings, topics and helpers of one test."""

    deps: Deps
    fake: FakeGoogle
    emulators: Emulators
    subs: dict[str, str]
    mailbox: str

    def token(self, audience: str, email: str, **extra: Any) -> str:
        body = {"audience": audience, "email": email, **extra}
        return str(
            requests.post(f"{self.fake.url}/_fake/id-token", json=body, timeout=5).json()[
                "id_token"
            ]
        )

    def pull(self, topic: str, max_messages: int = 100) -> list[dict[str, Any]]:
        """Messages published to one of the test's topics (acknowledged)."""
        sub = pubsub_v1.SubscriberClient()
        out: list[dict[str, Any]] = []
        try:
            while True:
                resp = sub.pull(
                    subscription=self.subs[topic],
                    max_messages=max_messages,
                    timeout=5,
                    return_immediately=True,
                )
                if not resp.received_messages:
                    return out
                out += [json.loads(m.message.data) for m in resp.received_messages]
                sub.acknowledge(
                    subscription=self.subs[topic],
                    ack_ids=[m.ack_id for m in resp.received_messages],
                )
        finally:
            sub.close()

    def chunk_jobs(self, lane: str | None = None) -> list[events.ChunkJob]:
        """Chunk jobs published so far (both lanes, or ``TOPIC_BATCHES`` / ``TOPIC_LIVE``)."""
        lanes = [lane] if lane else ["TOPIC_BATCHES", "TOPIC_LIVE"]
        return [events.chunk_job(d) for topic in lanes for d in self.pull(topic)]

    def deliver(self, raw: bytes, notify: bool = False, labels: list[str] | None = None) -> str:
        resp = requests.post(
            f"{self.fake.url}/_fake/mailboxes/{self.mailbox}/messages",
            timeout=10,
            json={
                "raw": base64.b64encode(raw).decode(),
                "labels": [LABEL] if labels is None else labels,
                "notify": notify,
            },
        )
        return str(resp.json()["id"])

    def connect(self, user: str = USER) -> str:
        """The OAuth flow in-process: consent URL, the fake's consent screen, callback, the
        frontend's confirmation."""
        requests.post(f"{self.fake.url}/_fake/consent", json={"address": self.mailbox}, timeout=5)
        url = consent_url(self.deps, user, BROWSER)
        location = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
        query = parse_qs(urlsplit(location).query)
        pending = complete(self.deps, query["code"][0], query["state"][0], BROWSER)
        return confirm(self.deps, user, pending.id)

    def faults(self, **faults: Any) -> None:
        requests.post(f"{self.fake.url}/_fake/faults", json=faults, timeout=5)


@pytest.fixture
def pipeline(
    firestore_env: Emulators,
    fake_google: FakeGoogle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Pipeline]:
    """Fresh Firestore, unique topics with pull subscriptions, settings, a fake mailbox."""
    tag = uuid.uuid4().hex[:8]
    url = fake_google.url
    env = {
        "GMAIL_API_ENDPOINT": url + "/",
        "OAUTH_AUTH_URI": f"{url}/o/oauth2/auth",
        "OAUTH_TOKEN_URI": f"{url}/token",
        "OAUTH_REVOKE_URI": f"{url}/revoke",
        "OIDC_ISSUER": url,
        "OIDC_CERTS_URL": f"{url}/oauth2/v1/certs",
        "OAUTH_CLIENT_ID": "fake-client",
        "OAUTH_CLIENT_SECRET": "secret",
        "LEAD_KEY_SECRET": "test-renter-index-key",
        "OAUTH_REDIRECT_URI": "http://127.0.0.1:9/oauth/callback",
        "PUSH_AUDIENCE": "https://hooks.test/gmail",
        "EVENT_AUDIENCES": "https://hooks.test/sync,https://hooks.test/batches",
        "PUSH_SERVICE_ACCOUNT": PUSH_SA,
        "SCHEDULER_AUDIENCE": "https://hooks.test/retry,https://hooks.test/renew",
        "SCHEDULER_SERVICE_ACCOUNT": SCHED_SA,
        "API_AUDIENCE": "fake-client",
        "ALLOWED_USERS": f"{USER},partner@example.com",
        "SECRETS_BACKEND": "local",
        "LOCAL_SECRETS_DIR": str(tmp_path / "secrets"),
        "CHUNK_SIZE": "5",
        "RETRY_MAX_ATTEMPTS": "3",
        "TOPIC_SYNC": f"sync-{tag}",
        "TOPIC_BATCHES": f"batches-{tag}",
        "TOPIC_LIVE": f"live-{tag}",
        "CHUNK_WINDOW": "64",  # every chunk at once; tests of the window set their own
        "TOPIC_GMAIL": f"gmail-{tag}",
        "OAUTHLIB_INSECURE_TRANSPORT": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config.get.cache_clear()
    monkeypatch.setattr(bootstrap, "_deps", None)
    monkeypatch.setattr(sync, "FOLLOW_UP_S", 0.05)
    deps = bootstrap.deps()
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    subs = {}
    for key in ("TOPIC_SYNC", "TOPIC_BATCHES", "TOPIC_LIVE", "TOPIC_GMAIL"):
        topic = publisher.topic_path(firestore_env.project, env[key])
        publisher.create_topic(name=topic)
        sub = subscriber.subscription_path(firestore_env.project, f"{env[key]}-pull")
        subscriber.create_subscription(name=sub, topic=topic)
        subs[key] = sub
    subscriber.close()
    mailbox = f"ops-{tag}@example.com"
    requests.post(f"{url}/_fake/mailboxes", json={"address": mailbox, "labels": [LABEL]}, timeout=5)
    yield Pipeline(deps, fake_google, firestore_env, subs, mailbox)
    config.get.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def queries_have_indexes() -> Iterator[None]:
    """Every Firestore query the in-process pipeline and API run has its composite index
    declared in ``shared.store.indexes`` (which Terraform is checked against)."""
    with query_shapes.recording() as seen:
        yield
    missing = sorted(str(s) for s in seen if not query_shapes.covered(s, INDEXES))
    Path("build").mkdir(exist_ok=True)
    Path("build/firestore_queries.txt").write_text("\n".join(sorted(map(str, seen))) + "\n")
    assert not missing, f"queries without a declared composite index: {missing}"
