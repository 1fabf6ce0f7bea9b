"""The fake Google through the real google-api-python-client and google-auth."""

from __future__ import annotations

import base64
import itertools
import json
import time
import uuid
from typing import Any

import pytest
import requests
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.cloud import pubsub_v1  # type: ignore[attr-defined]
from google.oauth2 import id_token
from googleapiclient.errors import HttpError

from infra.local.fake_google.server import FakeGoogle
from shared.gmail.client import credentials, gmail_service, new_batch
from tests.helpers import corpus_files, deliver, refresh_token_for

LABEL = "Processed lead"


def _mailbox(fake: FakeGoogle, n: int) -> tuple[str, Any]:
    address = f"ops-{uuid.uuid4().hex[:6]}@example.com"
    files = corpus_files()
    for i in range(n):
        deliver(fake.url, address, files[i % len(files)].read_bytes(), [LABEL])
    creds = credentials(
        refresh_token_for(fake.url, address), "fake-client", "x", f"{fake.url}/token"
    )
    return address, gmail_service(creds, fake.url + "/")


def _label_id(service: Any) -> str:
    labels = service.users().labels().list(userId="me").execute()["labels"]
    return str(next(lbl["id"] for lbl in labels if lbl["name"] == LABEL))


def test_list_pages_through_every_message_and_get_raw(fake_google: FakeGoogle) -> None:
    _, service = _mailbox(fake_google, 23)
    label = _label_id(service)
    ids, token = [], None
    while True:
        page = (
            service.users()
            .messages()
            .list(userId="me", labelIds=[label], maxResults=10, pageToken=token)
            .execute()
        )
        ids += [m["id"] for m in page.get("messages", [])]
        token = page.get("nextPageToken")
        if not token:
            break
    assert len(ids) == len(set(ids)) == 23
    raw = service.users().messages().get(userId="me", id=ids[0], format="raw").execute()["raw"]
    assert raw and isinstance(raw, str)
    info = service.users().labels().get(userId="me", id=label).execute()
    assert info["messagesTotal"] == 23


def test_history_lists_added_messages_and_404s_when_stale(fake_google: FakeGoogle) -> None:
    address, service = _mailbox(fake_google, 3)
    start = int(service.users().getProfile(userId="me").execute()["historyId"])
    deliver(fake_google.url, address, corpus_files()[5].read_bytes(), [LABEL])
    page = (
        service.users()
        .history()
        .list(userId="me", startHistoryId=start, historyTypes=["messageAdded"])
        .execute()
    )
    assert len(page["history"]) == 1 and int(page["historyId"]) > start  # ids have gaps
    requests.post(f"{fake_google.url}/_fake/mailboxes/{address}/expire-history", timeout=5)
    with pytest.raises(HttpError) as err:
        service.users().history().list(userId="me", startHistoryId=start).execute()
    assert err.value.resp.status == 404


def _batch_get(fake: FakeGoogle, service: Any, ids: list[str]) -> dict[str, Any]:
    got: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: Exception | None) -> None:
        got[request_id] = exception if exception is not None else response["raw"]

    batch = new_batch(fake.url + "/")
    for msg_id in ids:
        batch.add(
            service.users().messages().get(userId="me", id=msg_id, format="raw"),
            callback=collect,
            request_id=msg_id,
        )
    batch.execute()
    return got


def test_a_batch_over_the_concurrency_limit_gets_429_parts(fake_google: FakeGoogle) -> None:
    """Gmail runs a batch's parts at once: 25 pass, the rest answer "Too many concurrent
    requests for user" (seen on real mailboxes with batches of 50 and 100, not 25)."""
    _, service = _mailbox(fake_google, 50)
    ids = [
        m["id"]
        for m in service.users().messages().list(userId="me", maxResults=50).execute()["messages"]
    ]
    requests.post(f"{fake_google.url}/_fake/faults", json={"enforce_quota": False}, timeout=5)
    got = _batch_get(fake_google, service, ids)
    refused = [e for e in got.values() if isinstance(e, HttpError)]
    assert len(got) == 50 and len(refused) == 25
    for error in refused:
        assert error.resp.status == 429
        body = json.loads(error.content)["error"]
        assert body["message"] == "Too many concurrent requests for user."
        assert body["errors"][0]["reason"] == "rateLimitExceeded"
    assert all(isinstance(_batch_get(fake_google, service, ids[:25])[i], str) for i in ids[:25])
    stats = requests.get(f"{fake_google.url}/_fake/stats", timeout=5).json()
    assert stats["errors.429_concurrent"] == 25


def test_daily_limit_answers_403_daily_limit_exceeded(fake_google: FakeGoogle) -> None:
    _, service = _mailbox(fake_google, 1)
    requests.post(f"{fake_google.url}/_fake/faults", json={"daily_limit": True}, timeout=5)
    with pytest.raises(HttpError) as err:
        service.users().getProfile(userId="me").execute(num_retries=0)
    assert err.value.resp.status == 403
    assert json.loads(err.value.content)["error"]["errors"][0]["reason"] == "dailyLimitExceeded"


def test_lists_leave_out_spam_and_trash_and_dates_are_receive_times(
    fake_google: FakeGoogle,
) -> None:
    address, service = _mailbox(fake_google, 2)
    raw = corpus_files()[0].read_bytes()  # its Date header is in the past
    before = time.time() * 1000
    deliver(fake_google.url, address, raw, ["SPAM"])
    deliver(fake_google.url, address, raw, ["TRASH"])
    listed = service.users().messages().list(userId="me").execute()["messages"]
    assert len(listed) == 2
    with_spam = service.users().messages().list(userId="me", includeSpamTrash=True).execute()
    assert len(with_spam["messages"]) == 4
    newest = service.users().messages().get(userId="me", id=listed[0]["id"]).execute()
    assert int(newest["internalDate"]) >= before - 60_000  # when received, not the Date header


def test_history_ids_rise_with_gaps(fake_google: FakeGoogle) -> None:
    _, service = _mailbox(fake_google, 30)
    requests.post(f"{fake_google.url}/_fake/faults", json={"enforce_quota": False}, timeout=5)
    ids = [
        int(m["historyId"])
        for m in (
            service.users().messages().get(userId="me", id=x["id"], format="minimal").execute()
            for x in service.users().messages().list(userId="me").execute()["messages"]
        )
    ]
    steps = {a - b for a, b in itertools.pairwise(ids)}
    assert all(step > 0 for step in steps) and max(steps) > 1


def test_an_expired_refresh_token_gives_invalid_grant(fake_google: FakeGoogle) -> None:
    address = f"ops-{uuid.uuid4().hex[:6]}@example.com"
    refresh = refresh_token_for(fake_google.url, address)
    requests.post(f"{fake_google.url}/_fake/mailboxes/{address}/expire-refresh", timeout=5)
    with pytest.raises(RefreshError) as err:
        credentials(refresh, "fake-client", "x", f"{fake_google.url}/token").refresh(Request())
    assert "invalid_grant" in str(err.value)
    assert "expired or revoked" in str(err.value)


def test_quota_answers_429_rate_limit_exceeded(fake_google: FakeGoogle) -> None:
    _, service = _mailbox(fake_google, 1)
    msg_id = service.users().messages().list(userId="me").execute()["messages"][0]["id"]
    statuses = []
    for _ in range(150):  # 150 x 5 units, far over 100 units/s
        try:
            service.users().messages().get(userId="me", id=msg_id, format="minimal").execute(
                num_retries=0
            )
            statuses.append(200)
        except HttpError as exc:
            statuses.append(exc.resp.status)
            assert b"rateLimitExceeded" in exc.content
    assert 200 in statuses and 429 in statuses


def test_token_refresh_then_revoke_gives_invalid_grant(fake_google: FakeGoogle) -> None:
    address = f"ops-{uuid.uuid4().hex[:6]}@example.com"
    refresh = refresh_token_for(fake_google.url, address)
    creds = credentials(refresh, "fake-client", "x", f"{fake_google.url}/token")
    creds.refresh(Request())
    assert creds.token and creds.valid
    requests.post(f"{fake_google.url}/revoke", params={"token": refresh}, timeout=5)
    with pytest.raises(RefreshError) as err:
        credentials(refresh, "fake-client", "x", f"{fake_google.url}/token").refresh(Request())
    assert "invalid_grant" in str(err.value)


def test_id_token_verifies_with_google_oauth2_id_token(fake_google: FakeGoogle) -> None:
    url = fake_google.url
    token = requests.post(
        f"{url}/_fake/id-token",
        timeout=5,
        json={
            "audience": "https://hook.example/push",
            "email": "push@proj.iam.gserviceaccount.com",
        },
    ).json()["id_token"]
    claims = id_token.verify_token(
        token, Request(), audience="https://hook.example/push", certs_url=f"{url}/oauth2/v1/certs"
    )
    assert claims["email"] == "push@proj.iam.gserviceaccount.com" and claims["iss"] == url
    with pytest.raises(ValueError):
        id_token.verify_token(
            token, Request(), audience="https://other.example", certs_url=f"{url}/oauth2/v1/certs"
        )
    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(ValueError):
        id_token.verify_token(
            forged,
            Request(),
            audience="https://hook.example/push",
            certs_url=f"{url}/oauth2/v1/certs",
        )


def test_batch_calls_count_against_quota(fake_google: FakeGoogle) -> None:
    _, service = _mailbox(fake_google, 60)
    ids = [
        m["id"]
        for m in service.users().messages().list(userId="me", maxResults=60).execute()["messages"]
    ]
    errors: list[int] = []

    def collect(_: str, __: Any, exception: Exception | None) -> None:
        if isinstance(exception, HttpError):
            errors.append(exception.resp.status)

    batch = new_batch(fake_google.url + "/")
    for msg_id in ids:
        batch.add(
            service.users().messages().get(userId="me", id=msg_id, format="raw"), callback=collect
        )
    batch.execute()
    assert errors and set(errors) == {429}  # 60 x 5 units > 250 units in one second


def test_watch_then_delivery_publishes_gmail_notification(
    fake_google: FakeGoogle, emulators: Any
) -> None:
    address, service = _mailbox(fake_google, 1)
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    name = uuid.uuid4().hex[:8]
    topic = publisher.topic_path(emulators.project, f"gmail-{name}")
    sub = subscriber.subscription_path(emulators.project, f"gmail-{name}")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(name=sub, topic=topic)
    label = _label_id(service)
    watch = (
        service.users().watch(userId="me", body={"topicName": topic, "labelIds": [label]}).execute()
    )
    assert int(watch["expiration"]) > 0
    deliver(fake_google.url, address, corpus_files()[0].read_bytes(), ["Other"])  # not watched
    watched = deliver(fake_google.url, address, corpus_files()[1].read_bytes(), [LABEL])
    resp = subscriber.pull(subscription=sub, max_messages=10, timeout=10)
    assert len(resp.received_messages) == 1
    note = json.loads(resp.received_messages[0].message.data)
    added = service.users().messages().get(userId="me", id=watched, format="minimal").execute()
    assert note == {"emailAddress": address, "historyId": int(added["historyId"])}
    assert note["historyId"] > int(watch["historyId"]) + 1  # after the unwatched one
    assert base64.b64encode(resp.received_messages[0].message.data)  # bytes as Gmail sends
    subscriber.close()
