"""The whole path on the local stack: connect, backfill, push, batch status, a retry."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import requests
from google.cloud import firestore, pubsub_v1  # type: ignore[attr-defined]

from infra.local.cloud_run_front import REMOVED
from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import PUSH_SA, SCHEDULER_SA
from infra.local.mailgen import stream
from shared.clock import utcnow
from shared.store.batches import BatchStore
from tests.e2e.generated import served
from tests.helpers import corpus_files

MAILBOX = "e2e-ops@example.com"
LABEL = "Processed lead"


def processed(d: Driver) -> int:
    return sum(d.outcomes(MAILBOX).values())


def test_connect_backfill_push_status_and_retry(driver: Driver) -> None:
    d = driver
    d.create_mailbox(MAILBOX, "processed-lead")  # label name differs in case and hyphen
    corpus = corpus_files()[:30]
    for path in corpus:
        d.deliver(MAILBOX, path.read_bytes(), ["processed-lead"], notify=False)
    answer = d.connect(MAILBOX)
    assert answer.status_code == 303 and "gmail=connected" in answer.headers["Location"]
    account = d.account(MAILBOX)
    assert account["state"] == "connected" and account["label_name"] == "processed-lead"
    assert "refresh" not in str(account).lower() or "secret_name" in account
    assert wait_until(lambda: processed(d) == 30, 90)

    batches = BatchStore(d.db())
    backfill = [b for b in batches.recent(10) if b["trigger"] == "backfill"]
    assert len(backfill) == 1
    summary = batches.summary(backfill[0]["batch_id"])
    assert summary is not None and summary.status == "completed"
    assert (summary.total, summary.processed, summary.failed, summary.dead) == (30, 30, 0, 0)

    for raw, _ in stream(12, 3, MAILBOX):  # pushed: watch → notification → webhook → sync
        d.deliver(MAILBOX, raw, ["processed-lead"])
    assert wait_until(lambda: processed(d) == 42, 60)
    push = [b for b in batches.recent(20) if b["trigger"] == "push"]
    assert sum(b["total"] for b in push) == 12

    d.faults(rate_500=1.0, fail_methods=["messages.get"])  # this email cannot be fetched
    gid = d.deliver(MAILBOX, next(iter(stream(1, 77, MAILBOX)))[0], ["processed-lead"])
    found = (
        d.db().collection("retries").where(filter=firestore.FieldFilter("message_id", "==", gid))
    )
    assert wait_until(lambda: bool(list(found.stream())), 60)
    entry = next(iter(found.stream())).reference
    assert (entry.get().to_dict() or {})["state"] == "pending"
    d.faults(rate_500=0.0, fail_methods=[])
    entry.update({"next_attempt_at": utcnow() - timedelta(seconds=1)})
    resp = d.scheduler("retry_failed")
    assert resp.status_code == 200 and resp.json() == {"requeued": 1}
    assert wait_until(lambda: (entry.get().to_dict() or {}).get("state") == "resolved", 60)
    assert processed(d) == 43
    record = d.db().collection("messages").document(f"{MAILBOX}:{gid}").get().to_dict() or {}
    batch = batches.summary(record["batch_id"])
    assert batch is not None and (batch.succeeded, batch.failed) == (1, 0)
    leads = list(
        d.db()
        .collection("leads")
        .where(filter=firestore.FieldFilter("mailbox", "==", MAILBOX))
        .stream()
    )
    assert sum((lead.to_dict() or {})["inquiry_count"] for lead in leads) == sum(
        1 for o in d.outcomes(MAILBOX).elements() if o in ("lead", "merged")
    )
    # the frontend's API over HTTP on the same stack
    api = d.fns.url("api")
    http = requests.Session()  # every answer checked against the served document
    http.hooks["response"].append(served(api).check_requests)
    headers = {"Authorization": f"Bearer {d.mint('fake-client', 'owner@example.com')}"}
    status = http.get(f"{api}/gmail/status", headers=headers, timeout=30).json()
    assert status["state"] == "connected" and status["mailbox"] == MAILBOX
    batch_status = http.get(
        f"{api}/processing/status/{backfill[0]['batch_id']}", headers=headers, timeout=30
    ).json()
    assert batch_status["progress"] == "30/30" and batch_status["status"] == "completed"
    leads_page = http.get(f"{api}/leads?limit=5", headers=headers, timeout=30).json()
    assert len(leads_page["leads"]) == 5
    assert http.get(f"{api}/leads", timeout=30).status_code == 401
    assert requests.get(f"{api}/openapi.json", timeout=30).json()["openapi"] == "3.1.0"


def test_cloud_run_front_stops_bad_callers_before_the_functions(driver: Driver) -> None:
    """Every call went through the local Cloud Run front above; here the front's own refusals:
    a forged push token never reaches the webhook and nothing is published."""
    d, mailbox = driver, "front@example.com"
    d.create_mailbox(mailbox, LABEL)
    assert d.connect(mailbox).status_code == 303
    project = d.fns.stack.emulators.project
    subscriber = pubsub_v1.SubscriberClient()
    watch = subscriber.subscription_path(project, "front-test-watch")
    subscriber.create_subscription(
        request={"name": watch, "topic": f"projects/{project}/topics/mailbox-sync"}
    )
    hook = d.fns.url("gmail_webhook")
    body = {
        "message": {
            "data": base64.b64encode(
                json.dumps({"emailAddress": mailbox, "historyId": 999}).encode()
            ).decode(),
            "messageId": "forged-1",
        },
        "subscription": f"projects/{project}/subscriptions/gmail-notifications-push",
    }
    good = d.mint(hook, PUSH_SA)
    forged = good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB")
    cases = {
        "forged signature": (f"Bearer {forged}", 401),
        "signature removed by the caller": (f"Bearer {good.rpartition('.')[0]}.{REMOVED}", 401),
        "scheduler's account": (f"Bearer {d.mint(hook, SCHEDULER_SA)}", 403),
        "no token": (None, 403),
    }
    for case, (header, status) in cases.items():
        headers = {"Authorization": header} if header else {}
        resp = requests.post(hook, json=body, headers=headers, timeout=30)
        assert resp.status_code == status, case
        assert "error" not in resp.text  # Cloud Run's page, not the function's envelope
    pulled = subscriber.pull(
        subscription=watch, max_messages=10, timeout=5, return_immediately=True
    )
    assert [m.message.data for m in pulled.received_messages] == []  # nothing published
    front_log = (d.fns.stack.log_dir / "cloud-run-front.log").read_text()
    assert front_log.count('"function": "gmail_webhook"') >= len(cases)

    resp = requests.post(hook, json=body, headers={"Authorization": f"Bearer {good}"}, timeout=30)
    assert resp.status_code == 200 and resp.json() == {"status": "queued"}  # signature removed
    pulled = subscriber.pull(subscription=watch, max_messages=10, timeout=10)
    assert [json.loads(m.message.data)["history_id"] for m in pulled.received_messages] == [999]
    subscriber.delete_subscription(subscription=watch)
    subscriber.close()
