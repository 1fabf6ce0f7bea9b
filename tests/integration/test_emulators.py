"""The official emulators, driven by the real client libraries."""

from __future__ import annotations

import uuid

import pytest
from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore, pubsub_v1  # type: ignore[attr-defined]

from infra.local.emulators import Emulators


def test_firestore_create_conflicts_and_wipe(firestore_env: Emulators) -> None:
    db = firestore.Client(project=firestore_env.project)
    ref = db.collection("messages").document("m1")
    ref.create({"status": "processing"})
    with pytest.raises(AlreadyExists):
        ref.create({"status": "other"})
    assert ref.get().to_dict() == {"status": "processing"}
    firestore_env.reset_firestore()
    assert not ref.get().exists


def test_pubsub_publish_and_pull(emulators: Emulators) -> None:
    project = emulators.project
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    name = uuid.uuid4().hex[:8]
    topic = publisher.topic_path(project, f"t-{name}")
    sub = subscriber.subscription_path(project, f"s-{name}")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(name=sub, topic=topic)
    publisher.publish(topic, b"hello", mailbox="a@example.com").result(timeout=10)
    resp = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
    assert [m.message.data for m in resp.received_messages] == [b"hello"]
    assert resp.received_messages[0].message.attributes["mailbox"] == "a@example.com"
    subscriber.close()
