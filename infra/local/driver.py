"""Drives the running local pipeline like its users do: Gmail delivers, an operator connects."""

from __future__ import annotations

import base64
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from google.cloud import firestore

from infra.local.functions_stack import DEMO_USER, SCHEDULER_SA, Functions


def deliver(fake_url: str, address: str, raw: bytes, labels: list[str], notify: bool = True) -> str:
    """Deliver one email into a fake mailbox (labels by name); returns its Gmail id."""
    resp = requests.post(
        f"{fake_url}/_fake/mailboxes/{address}/messages",
        timeout=30,
        json={"raw": base64.b64encode(raw).decode(), "labels": labels, "notify": notify},
    )
    resp.raise_for_status()
    return str(resp.json()["id"])


@dataclass
class Driver:
    """Test and demo actions against a started :class:`Functions` stack."""

    fns: Functions

    @property
    def fake(self) -> str:
        """The fake Google's base URL."""
        return self.fns.stack.fake_url

    def db(self) -> Any:
        """A Firestore client on the emulator."""
        return firestore.Client(project=self.fns.stack.emulators.project)

    def mint(self, audience: str, email: str, **extra: Any) -> str:
        """An ID token from the fake issuer."""
        body = {"audience": audience, "email": email, **extra}
        return str(
            requests.post(f"{self.fake}/_fake/id-token", json=body, timeout=10).json()["id_token"]
        )

    def create_mailbox(self, address: str, label: str) -> None:
        """A fake Gmail user with the lead label."""
        requests.post(
            f"{self.fake}/_fake/mailboxes", json={"address": address, "labels": [label]}, timeout=10
        ).raise_for_status()

    def deliver(self, address: str, raw: bytes, labels: list[str], notify: bool = True) -> str:
        """Gmail receives an email (and notifies the watch, at most once a second)."""
        return deliver(self.fake, address, raw, labels, notify)

    def faults(self, **faults: Any) -> None:
        """Set the fake Google's fault injection."""
        requests.post(f"{self.fake}/_fake/faults", json=faults, timeout=10).raise_for_status()

    def consent(self, mailbox: str, user: str = DEMO_USER, answer: str = "allow") -> str:
        """The operator's browser: start (a form POST from the frontend's origin) → Google
        consent → callback; returns where the callback sends the browser (the frontend, with
        ``gmail=pending&pending=…`` or ``gmail=error&reason=…``)."""
        body = {"address": mailbox, "answer": answer}
        requests.post(f"{self.fake}/_fake/consent", json=body, timeout=10)
        origins = self.fns.extra_env.get("FRONTEND_ORIGINS") or "http://localhost:5173"
        start = requests.post(
            f"{self.fns.url('oauth')}/start",
            data={"id_token": self.mint("fake-client", user)},
            headers={"Origin": origins.split(",")[0]},
            allow_redirects=False,
            timeout=30,
        )
        assert start.status_code == 303, start.text
        cookie = start.headers["Set-Cookie"].split(";", 1)[0]  # Secure: sent by hand over http
        consent = requests.get(start.headers["Location"], allow_redirects=False, timeout=30)
        callback = consent.headers["Location"]
        assert urlsplit(callback).path.endswith("/callback"), callback
        back = requests.get(callback, allow_redirects=False, timeout=60, headers={"Cookie": cookie})
        return str(back.headers.get("Location", ""))

    def connect(
        self, mailbox: str, user: str = DEMO_USER, answer: str = "allow"
    ) -> requests.Response:
        """:meth:`consent`, then the frontend confirms the pending connection with the
        user's bearer token; returns where the frontend ends up (``Location``:
        ``gmail=connected`` or ``gmail=error&reason=…``)."""
        back = self.consent(mailbox, user, answer)
        page, _, query = back.partition("?")
        pending = parse_qs(query).get("pending")
        done = requests.Response()
        done.status_code = 303
        if not pending:
            done.headers["Location"] = back
            return done
        confirmed = requests.post(
            f"{self.fns.url('api')}/gmail/connections/{pending[0]}",
            headers={"Authorization": f"Bearer {self.mint('fake-client', user)}"},
            timeout=60,
        )
        if confirmed.status_code == 200:
            where = {"gmail": "connected", "mailbox": confirmed.json()["mailbox"]}
        else:
            where = {"gmail": "error", "reason": confirmed.json()["error"]["code"]}
        done.headers["Location"] = f"{page}?{urlencode(where)}"
        return done

    def scheduler(self, name: str, task: str | None = None) -> requests.Response:
        """Cloud Scheduler calls an HTTP function with its OIDC token (and a JSON body
        ``{"task": …}``, as Terraform's jobs send)."""
        token = self.mint(self.fns.url(name), SCHEDULER_SA)
        return requests.post(
            self.fns.url(name),
            json={"task": task} if task else None,
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )

    def mailbox_query(self, collection: str, mailbox: str) -> Any:
        """The documents of one mailbox in ``collection``."""
        return (
            self.db()
            .collection(collection)
            .where(filter=firestore.FieldFilter("mailbox", "==", mailbox))
        )

    def records(self, mailbox: str, *fields: str) -> dict[str, dict[str, Any]]:
        """Processed-email records of the mailbox by Gmail id (only ``fields``, if given)."""
        query = self.mailbox_query("messages", mailbox)
        if fields:
            query = query.select(list(fields))
        return {d.id.split(":", 1)[1]: d.to_dict() or {} for d in query.stream()}

    def outcomes(self, mailbox: str) -> Counter[str]:
        """Outcome of every processed email of the mailbox."""
        return Counter(str(r.get("outcome")) for r in self.records(mailbox, "outcome").values())

    def retry_states(self) -> Counter[str]:
        """Retry-list entries by state."""
        return Counter(
            str((d.to_dict() or {}).get("state"))
            for d in self.db().collection("retries").select(["state"]).stream()
        )

    def leads(self) -> list[dict[str, Any]]:
        """Every lead document."""
        return [d.to_dict() or {} for d in self.db().collection("leads").stream()]

    def account(self, mailbox: str) -> dict[str, Any]:
        """The account document."""
        return self.db().collection("accounts").document(mailbox).get().to_dict() or {}


def wait_until(
    check: Callable[[], bool],
    timeout: float,
    every: float = 0.5,
    on_tick: Callable[[], None] | None = None,
) -> bool:
    """Poll ``check`` until true or ``timeout``; returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if on_tick:
            on_tick()
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
