"""``make demo``: the local stack, a fake mailbox seeded with the dev corpus, its leads shown."""

from __future__ import annotations

import base64
import json
import signal
import sys
import time
from collections import Counter
from typing import Any

import requests

from infra.local.stack import ROOT, local_stack
from shared.gmail.client import credentials, gmail_service, new_batch
from shared.parsing import parse_email

MAILBOX = "operator@example.com"
LABEL = "Processed lead"
CORPUS = ROOT / "tests" / "fixtures" / "emails" / "dev"


def _stop_on_sigterm() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def _connect(url: str) -> Any:
    """Consent through the fake's OAuth screen (code flow) and build a Gmail client."""
    redirect = "http://127.0.0.1:9/callback"
    resp = requests.get(
        f"{url}/o/oauth2/auth",
        allow_redirects=False,
        timeout=10,
        params={
            "client_id": "fake-client",
            "redirect_uri": redirect,
            "response_type": "code",
            "scope": "https://www.googleapis.com/auth/gmail.readonly",
            "login_hint": MAILBOX,
        },
    )
    code = resp.headers["Location"].split("code=")[1].split("&")[0]
    tokens = requests.post(
        f"{url}/token",
        timeout=10,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": "fake-client",
            "client_secret": "fake-secret",
        },
    ).json()
    creds = credentials(tokens["refresh_token"], "fake-client", "fake-secret", f"{url}/token")
    return gmail_service(creds, url + "/")


def _read_label(url: str, service: Any) -> list[bytes]:
    labels = service.users().labels().list(userId="me").execute()["labels"]
    label = next(lbl["id"] for lbl in labels if lbl["name"] == LABEL)
    ids, token = [], None
    while True:
        page = (
            service.users()
            .messages()
            .list(userId="me", labelIds=[label], pageToken=token, maxResults=100)
            .execute()
        )
        ids += [m["id"] for m in page.get("messages", [])]
        if not (token := page.get("nextPageToken")):
            break
    raws: list[bytes] = []
    for start in range(0, len(ids), 40):
        batch = new_batch(url + "/")
        for msg_id in ids[start : start + 40]:
            batch.add(
                service.users().messages().get(userId="me", id=msg_id, format="raw"),
                callback=lambda _, r, e: raws.append(base64.urlsafe_b64decode(r["raw"])),
            )
        batch.execute()
        time.sleep(1)  # 40 x 5 units per second stays inside Gmail's 250 units/s
    return raws


def main() -> int:
    """Run the demo; returns the process exit status."""
    _stop_on_sigterm()
    started = time.monotonic()
    with local_stack(ROOT / "build" / "demo") as stack:
        print(f"local stack up in {stack.timings['stack_s']}s: {json.dumps(stack.timings)}")
        for name, value in stack.env().items():
            if name.endswith(("_HOST", "_ENDPOINT", "_ISSUER")):
                print(f"  {name}={value}")
        url = stack.fake_url
        requests.post(
            f"{url}/_fake/mailboxes", json={"address": MAILBOX, "labels": [LABEL]}, timeout=10
        )
        files = sorted(CORPUS.glob("*.eml"))
        for path in files:
            requests.post(
                f"{url}/_fake/mailboxes/{MAILBOX}/messages",
                timeout=10,
                json={"raw": base64.b64encode(path.read_bytes()).decode(), "labels": [LABEL]},
            )
        print(f"seeded {MAILBOX} with {len(files)} emails under '{LABEL}'")
        leads = [parse_email(raw) for raw in _read_label(url, _connect(url))]
        by_source = Counter(lead.source for lead in leads if lead.is_lead)
        print(f"\n{'source':<18}{'leads':>6}")
        for source, n in sorted(by_source.items()):
            print(f"{source:<18}{n:>6}")
        print(f"{'not a lead':<18}{sum(1 for lead in leads if not lead.is_lead):>6}")
        print(
            f"\nread through the Gmail API and parsed in {time.monotonic() - started:.1f}s; "
            f"processes running: {len(stack.pids())}"
        )
    print("stack stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
