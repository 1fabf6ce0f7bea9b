"""Every API route over HTTP on the local stack, as the frontend calls it; each response is
validated against the served OpenAPI document."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import schemathesis

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER
from infra.local.mailgen import stream
from tests.golden import golden
from tests.helpers import UNRECOGNISED, consent_code, paystub_lead

MAILBOX = "e2e-api@example.com"
VOICEMAIL = golden("world-nonlead-google-voice-voicemail")
LABEL = "Processed lead"


class Frontend:
    """The CRM frontend: signed-in calls to the api function, each checked against its
    document."""

    def __init__(self, d: Driver) -> None:
        self.url = d.fns.url("api")
        self.headers = {"Authorization": f"Bearer {d.mint('fake-client', DEMO_USER)}"}
        self.schema = schemathesis.openapi.from_url(f"{self.url}/openapi.json")
        self.seen: set[tuple[str, str]] = set()

    def call(self, method: str, path: str, template: str = "", **kw: Any) -> Any:
        resp = requests.request(method, f"{self.url}{path}", headers=self.headers, timeout=60, **kw)
        template = template or urlsplit(path).path
        self.schema[template][method].validate_response(resp)
        self.seen.add((method, template))
        assert resp.status_code < 300, (method, path, resp.status_code, resp.text)
        return resp.json() if resp.headers["Content-Type"] == "application/json" else resp.text

    def batch_done(self, batch_id: str) -> bool:
        st = self.call("GET", f"/processing/status/{batch_id}", "/processing/status/{batchId}")
        return bool(st["status"] == "completed")


@pytest.fixture(scope="module")
def frontend(driver: Driver) -> Frontend:
    return Frontend(driver)


def test_every_route_over_http(driver: Driver, frontend: Frontend) -> None:
    d, f = driver, frontend
    d.create_mailbox(MAILBOX, LABEL)
    for raw, _ in stream(8, 41, MAILBOX):
        d.deliver(MAILBOX, raw, [LABEL], notify=False)
    voicemail = d.deliver(MAILBOX, VOICEMAIL.read_bytes(), [LABEL], notify=False)
    keys = d.deliver(MAILBOX, UNRECOGNISED, [LABEL], notify=False)
    paystub = d.deliver(MAILBOX, paystub_lead(), [LABEL], notify=False)  # 6 MB: read in parts
    assert f.call("GET", "/gmail/status")["state"] == "disconnected"
    start = f.call("GET", "/gmail/auth-url")["url"]  # where the browser posts its form
    assert start == f"{d.fns.url('oauth')}/start"

    # a popup code client: Google returns a code, the frontend hands it to the API
    code = consent_code(d.fake, MAILBOX, redirect_uri="postmessage")
    linked = f.call("POST", "/gmail/token", json={"code": code, "redirectUri": "postmessage"})
    assert linked == {"connected": True, "mailbox": MAILBOX}
    # the backfill batch is created by sync_mailbox, which the connection queued
    assert wait_until(lambda: f.call("GET", "/processing/history")["total"] == 1, 60)
    history = f.call("GET", "/processing/history?limit=5")
    backfill = history["batches"][0]
    assert history["total"] == 1 and backfill["trigger"] == "backfill"
    assert wait_until(lambda: f.batch_done(backfill["batchId"]), 90)

    status = f.call("GET", "/gmail/status")
    assert status["state"] == "connected" and status["mailbox"] == MAILBOX
    assert [m["mailbox"] for m in f.call("GET", "/gmail/mailboxes")["mailboxes"]] == [MAILBOX]
    label = next(lbl for lbl in f.call("GET", "/gmail/labels")["labels"] if lbl["name"] == LABEL)
    assert label["messagesTotal"] == 11
    listed = f.call("GET", f"/gmail/messages?labelId={label['id']}&maxResults=100")["messages"]
    status = {m["id"]: m["status"] for m in listed}
    assert (status.pop(voicemail), status.pop(keys)) == ("not_lead", "not_lead")
    assert len(status) == 9 and all(s in ("lead", "merged") for s in status.values())
    [stub] = f.call("GET", "/leads?q=nandakumar")["leads"]
    stub_lead = f.call("GET", f"/leads/{stub['id']}", "/leads/{leadId}")
    [inquiry] = stub_lead["inquiries"]
    assert inquiry["messageId"] == paystub and inquiry["attachments"] == [
        {"name": "paystub.pdf", "type": "application/pdf", "bytes": 6_000_009}
    ]
    # the email no outcome was named for: on the review list, in health, decided in one call
    waiting = f.call("GET", "/gmail/unrecognised")
    assert [e["messageId"] for e in waiting["emails"]] == [keys] and waiting["total"] == 1
    assert waiting["emails"][0]["subject"] == "Unit 4 keys"
    health = f.call("GET", "/gmail/status")
    assert health["unrecognised"] == 1 and "unrecognised" in health["reasons"]
    template = "/gmail/messages/{messageId}/not-lead"
    assert f.call("POST", f"/gmail/messages/{keys}/not-lead", template)["outcome"] == "not_lead"
    assert f.call("GET", "/gmail/unrecognised")["total"] == 0
    # the landlord says the voicemail notice is a lead: re-parsed as one
    template = "/gmail/messages/{messageId}/lead"
    fixed = f.call("POST", f"/gmail/messages/{voicemail}/lead", template)
    assert wait_until(lambda: f.batch_done(fixed["batchId"]), 60)

    again = f.call("POST", "/gmail/process-batch", json={"limit": 3})  # the lead label
    assert wait_until(lambda: f.batch_done(again["batchId"]), 60)
    st = f.call("GET", f"/processing/status/{again['batchId']}", "/processing/status/{batchId}")
    assert (st["total"], st["skipped"], st["failed"]) == (3, 3, 0)  # already processed
    retried = f.call("POST", f"/processing/retry/{again['batchId']}", "/processing/retry/{batchId}")
    assert retried == {"retried": 0}

    leads = f.call("GET", "/leads?limit=100")["leads"]
    assert (
        leads
        and sum(
            len(f.call("GET", f"/leads/{x['id']}", "/leads/{leadId}")["inquiries"]) for x in leads
        )
        == 10
    )
    lead_id = leads[0]["id"]
    patched = f.call(
        "PATCH",
        f"/leads/{lead_id}",
        "/leads/{leadId}",
        json={"status": "qualified", "notes": "viewing on Friday"},
    )
    assert patched["status"] == "qualified" and patched["notes"] == "viewing on Friday"
    assert [x["id"] for x in f.call("GET", "/leads?status=qualified")["leads"]] == [lead_id]
    assert f.call("GET", "/leads/counts")["total"] == len(leads)
    page = f.call("GET", f"/leads/{lead_id}/inquiries?limit=1", "/leads/{leadId}/inquiries")
    assert len(page["inquiries"]) == 1
    bulk = f.call("PATCH", "/leads", json={"leadIds": [lead_id], "reviewed": True})
    assert bulk == {"updated": [lead_id], "notFound": [], "preconditionFailed": []}
    exported = f.call("GET", "/leads/export?status=qualified")
    assert exported.splitlines()[0].startswith("id,firstName,") and lead_id in exported
    reparse = f.call("POST", "/leads/reparse", json={"leadIds": [lead_id]})
    assert wait_until(lambda: f.batch_done(reparse["batchId"]), 60)

    gone = f.call("POST", "/gmail/disconnect")
    assert gone["tokenRevoked"] and gone["secretDeleted"] and gone["watchStopped"]
    assert f.call("GET", "/gmail/status")["state"] == "disconnected"
    assert len(f.call("GET", "/leads?limit=100")["leads"]) == len(leads)  # leads are kept
    # connected again by the redirect flow: the frontend confirms the pending connection
    back = d.consent(MAILBOX)
    assert "gmail=pending" in back and "mailbox=e2e-api%40example.com" in back
    pending = parse_qs(back.partition("?")[2])["pending"][0]
    template = "/gmail/connections/{pendingId}"
    again = f.call("POST", f"/gmail/connections/{pending}", template)
    assert again == {"connected": True, "mailbox": MAILBOX}
    erased = f.call("DELETE", f"/leads/{lead_id}", "/leads/{leadId}")  # a renter erased
    assert erased["leadId"] == lead_id and erased["emails"] >= 1
    documented = {(m.upper(), p) for p, ops in f.schema.raw_schema["paths"].items() for m in ops}
    assert documented - f.seen == {("GET", "/openapi.json")}


def _tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and its descendants (gunicorn's master and worker)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS"))
        todo += [int(c) for c in children]
    return total / 1024


def test_huge_anonymous_bodies_are_refused_unread(driver: Driver) -> None:
    """16 concurrent anonymous 30 MiB bodies once took the api process to 580 MB (each body
    was read whole: by the route, then by functions-framework's after-request hook): each
    is now 413 by its Content-Length, drained in small chunks. Measured on gunicorn's
    master and worker together, as growth over what they held before (one body read would
    be 30 MiB, sixteen 480)."""
    url = f"{driver.fns.instance_url('api')}/leads/reparse"
    pid = driver.fns.procs["api"].pid
    body = b"[" + b"1," * (15 * 1024 * 1024) + b"1]"  # 30 MiB of JSON
    peak, done = [_tree_rss_mib(pid)], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak.append(_tree_rss_mib(pid))
            done.wait(0.01)

    def post(_: int) -> tuple[int, str]:
        resp = requests.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=120
        )
        return resp.status_code, resp.json()["error"]["code"]

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(post, range(16)))
    done.set()
    sampler.join()
    assert answers == [(413, "payload_too_large")] * 16
    grew = max(peak) - peak[0]
    print(f"api processes: {peak[0]:.0f} MiB before, peak {max(peak):.0f} MiB (+{grew:.0f})")
    assert grew < 48, f"16 refused bodies grew the api by {grew:.0f} MiB (one body is 30)"
