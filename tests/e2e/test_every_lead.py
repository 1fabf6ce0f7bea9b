"""Every lead on the local stack: an email dated in the year 9999 neither blocks its chunk nor
its batch, and a landlord's correction made over HTTP survives a re-parse of everything and
is exported by ``make corrections``."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER
from infra.local.mailgen import stream
from infra.local.stack import ROOT
from tests.e2e.generated import served
from tests.e2e.invariant import batches_complete, check, mailbox_docs
from tests.golden import golden

LABEL = "Processed lead"


class Api:
    def __init__(self, d: Driver, mailbox: str) -> None:
        self.url, self.mailbox = d.fns.url("api"), mailbox
        self.conformance = served(self.url)  # every answer checked against the document
        self.headers = {"Authorization": f"Bearer {d.mint('fake-client', DEMO_USER)}"}

    def __call__(self, method: str, path: str, **kw: Any) -> requests.Response:
        """A call about the mailbox (routes about a batch take no ``mailbox``: refused)."""
        about_mailbox = not path.startswith("/processing/status/")
        params = {**({"mailbox": self.mailbox} if about_mailbox else {}), **kw.pop("params", {})}
        hooks = {"response": self.conformance.check_requests}
        return requests.request(
            method,
            self.url + path,
            headers=self.headers,
            params=params,
            timeout=60,
            hooks=hooks,
            **kw,
        )

    def done(self, batch_id: str) -> bool:
        return bool(self("GET", f"/processing/status/{batch_id}").json()["status"] == "completed")


def _records(d: Driver, mailbox: str) -> dict[str, dict[str, Any]]:
    return {s.id.split(":", 1)[1]: s.to_dict() or {} for s in mailbox_docs(d, "messages", mailbox)}


def test_a_year_9999_email_and_two_leads(driver: Driver) -> None:
    d, mailbox = driver, "y9999@example.com"
    d.create_mailbox(mailbox, LABEL)
    leads = [raw for raw, _ in stream(2, 91, mailbox)]
    odd = email.message_from_bytes(leads[1], policy=email.policy.default)
    odd.replace_header("Date", "Fri, 31 Dec 9999 23:59:59 -0500")  # no timestamp holds it
    leads = [leads[0], *[raw for raw, _ in stream(1, 93, mailbox)]]
    ids = [d.deliver(mailbox, raw, [LABEL], notify=False) for raw in [*leads, odd.as_bytes()]]
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: len(_records(d, mailbox)) == 3, 90)
    records = _records(d, mailbox)
    assert all(records[i]["outcome"] in ("lead", "merged") for i in ids)
    bad = records[ids[2]]
    assert bad["inquiry_at"] is None and "doubtful" in bad["review_reasons"]
    assert wait_until(lambda: batches_complete(d, mailbox), 60)
    check(d, mailbox, set(ids))


def test_a_correction_survives_reparse_and_is_exported(driver: Driver, tmp_path: Path) -> None:
    d, mailbox = driver, "corrected@example.com"
    d.create_mailbox(mailbox, LABEL)
    ids = [d.deliver(mailbox, raw, [LABEL], notify=False) for raw, _ in stream(3, 92, mailbox)]
    voicemail = golden("world-nonlead-google-voice-voicemail").read_bytes()
    missed = d.deliver(mailbox, voicemail, [LABEL], notify=False)
    assert "gmail=connected" in d.connect(mailbox).headers["Location"]
    assert wait_until(lambda: len(_records(d, mailbox)) == 4, 90)
    assert _records(d, mailbox)[missed]["outcome"] == "not_lead"
    api = Api(d, mailbox)
    made = api("POST", f"/gmail/messages/{missed}/lead")
    assert made.status_code == 202, made.text
    assert wait_until(lambda: api.done(made.json()["batchId"]), 60)
    assert _records(d, mailbox)[missed]["outcome"] == "lead"
    everything = api("POST", "/leads/reparse", json={"all": True})
    assert everything.status_code == 202
    assert wait_until(lambda: api.done(everything.json()["batchId"]), 90)
    record = _records(d, mailbox)[missed]
    assert record["outcome"] == "lead" and record["classified_by"]["corrected"] is True
    check(d, mailbox, {*ids, missed})

    env = {**d.fns.stack.process_env(), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "infra.corrections", "--out", str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1])["exported"] >= 1
    exported = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert any(x["_correction"] == "lead" and x["is_lead"] for x in exported)
    assert all(b"555-0190" not in p.read_bytes() for p in tmp_path.glob("*.eml"))
