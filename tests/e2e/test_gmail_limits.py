"""Gmail as a new project meets it: 100 quota units per user per second, a per-user limit
on concurrent requests, and parts of batches refused with 429. Nothing is lost, nothing is
given up on, and the API serves its documented maxima inside the quota."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from infra.local.driver import Driver, wait_until
from infra.local.fake_google.quota import NEW_PROJECT_UNITS
from infra.local.functions_stack import DEMO_USER
from infra.local.mailgen import stream
from shared.store.batches import BatchStore
from tests.e2e.invariant import check, mailbox_docs, sweep_until_settled

LABEL = "Processed lead"


@pytest.fixture(autouse=True)
def no_faults(driver: Driver) -> Iterator[None]:
    driver.faults(rate_429=0, fail_methods=[], max_concurrent=25)
    requests.post(f"{driver.fake}/_fake/stats/reset", timeout=5)
    yield
    driver.faults(rate_429=0, fail_methods=[])


def _stats(d: Driver) -> dict[str, int]:
    return dict(requests.get(f"{d.fake}/_fake/stats", timeout=5).json())


def _api(d: Driver, method: str, path: str, **kw: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {d.mint('fake-client', DEMO_USER)}"}
    return requests.request(method, f"{d.fns.url('api')}{path}", headers=headers, timeout=120, **kw)  # type: ignore[arg-type]


def test_new_project_quota_and_429_parts_lose_nothing_and_kill_nothing(driver: Driver) -> None:
    d, mailbox = driver, "limits@example.com"
    assert d.fns.stack.quota_units == NEW_PROJECT_UNITS == 100
    d.faults(rate_429=0.1, fail_methods=["messages.get"])  # a tenth of batch parts refused
    d.create_mailbox(mailbox, LABEL)
    ids = {d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(150, 31, mailbox)}
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: d.account(mailbox).get("last_sync_at") is not None, 60)
    ids |= {d.deliver(mailbox, raw, [LABEL]) for raw, _ in stream(40, 32, mailbox)}
    sweep_until_settled(d, mailbox, len(ids), timeout=240)  # the faults stay on throughout
    check(d, mailbox, ids)
    states = [(r.to_dict() or {}).get("state") for r in mailbox_docs(d, "retries", mailbox)]
    assert "dead" not in states
    store = BatchStore(d.db())
    summaries = [store.summary(b.id) for b in mailbox_docs(d, "batches", mailbox)]
    assert {s.status for s in summaries if s} == {"completed"}
    assert sum((s.counts.get("failed", 0) + s.counts.get("dead", 0)) for s in summaries if s) == 0
    stats = _stats(d)
    assert stats.get("errors.429", 0) >= 10  # the faults were met, and survived
    assert stats.get("errors.429_concurrent", 0) == 0  # the limiter never provoked the limit


def test_process_batch_of_1000_ids_and_a_page_of_100_inside_the_quota(driver: Driver) -> None:
    d, mailbox = driver, "quota-api@example.com"
    d.create_mailbox(mailbox, LABEL)
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: d.account(mailbox).get("last_sync_at") is not None, 60)
    mail = list(stream(1000, 33, mailbox))
    inside = [d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in mail[:500]]
    outside = [d.deliver(mailbox, raw, ["Private"], notify=False) for raw, _ in mail[500:]]
    requests.post(f"{d.fake}/_fake/stats/reset", timeout=5)

    t0 = time.monotonic()
    mine = f"mailbox={mailbox}"
    resp = _api(d, "POST", f"/gmail/process-batch?{mine}", json={"messageIds": inside + outside})
    assert resp.status_code == 202, resp.text
    assert time.monotonic() - t0 < 10  # queued at once: the pipeline reads the labels
    batch_id = resp.json()["batchId"]

    # while the batch uses the mailbox's quota, a page of 100 is served, never a 503
    labels = _api(d, "GET", f"/gmail/labels?{mine}").json()["labels"]
    label = next(x for x in labels if x["name"] == LABEL)
    listed, token, pages = [], None, 0
    while True:
        query = f"/gmail/messages?{mine}&labelId={label['id']}&maxResults=100"
        page = _api(d, "GET", query + (f"&pageToken={token}" if token else ""))
        assert page.status_code == 200, page.text
        listed += [m["id"] for m in page.json()["messages"]]
        pages += 1
        if not (token := page.json()["nextPageToken"]):
            break
    assert sorted(listed) == sorted(inside)  # every message once, across however many pages

    def done() -> bool:
        status = _api(d, "GET", f"/processing/status/{batch_id}").json()
        return bool(status["status"] == "completed")

    assert wait_until(done, 300, every=2.0)
    summary = BatchStore(d.db()).summary(batch_id)
    assert summary is not None and summary.total == 1000
    assert summary.counts.get("gone") == 500  # chosen, not in the lead label: left unread
    assert sum(summary.counts.values()) == 1000
    assert len(d.records(mailbox)) == 500
    stats = _stats(d)
    assert stats.get("read.raw", 0) == 500  # no email outside the label was read
    assert stats.get("errors.429_concurrent", 0) == 0
