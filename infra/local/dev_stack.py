"""``make stack``: the local stack for a frontend developer, running until Ctrl-C.

Starts the emulators, the fake Google and every function (as ``make demo`` does), connects a
mailbox holding the labelled corpus (``SEED=0``: none), and prints what a frontend needs: the
API's URL, a ready bearer token of the allowed user, where Google's consent sends the browser
back (``FRONTEND_URL``, default ``http://localhost:5173/``; its origin is the one CORS
allows). ``make token`` mints a fresh token from the running stack (``build/stack.json``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER, Functions
from infra.local.stack import ROOT, local_stack
from tests.golden import golden_files

STATE = ROOT / "build" / "stack.json"
TOKEN_HOURS = 12
MAILBOX = "frontdesk@example.com"
LABEL = "Processed lead"


def frontend_env(frontend_url: str) -> dict[str, str]:
    """The settings that point the OAuth flow and CORS at the frontend under development."""
    parts = urlsplit(frontend_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"FRONTEND_URL must be an http(s) URL, not {frontend_url!r}")
    return {"FRONTEND_URL": frontend_url, "FRONTEND_ORIGINS": f"{parts.scheme}://{parts.netloc}"}


def mint(fake_url: str, user: str = DEMO_USER) -> str:
    """A Google ID token of ``user`` for the API (the fake issuer signs it)."""
    body = {"audience": "fake-client", "email": user, "expires_in": TOKEN_HOURS * 3600}
    resp = requests.post(f"{fake_url}/_fake/id-token", json=body, timeout=10)
    resp.raise_for_status()
    return str(resp.json()["id_token"])


def seed(driver: Driver) -> int:
    """A connected mailbox holding the corpus; returns how many emails were processed."""
    driver.create_mailbox(MAILBOX, LABEL)
    corpus = golden_files("dev")
    for path in corpus:
        driver.deliver(MAILBOX, path.read_bytes(), [LABEL], notify=False)
    driver.connect(MAILBOX)
    wait_until(lambda: sum(driver.outcomes(MAILBOX).values()) >= len(corpus), 180)
    return len(corpus)


def describe(fns: Functions, out: Path = STATE) -> str:
    """What a frontend developer needs, printed and kept in ``build/stack.json``."""
    api, fake = fns.url("api"), fns.stack.fake_url
    state = {
        "api": api,
        "openapi": f"{api}/openapi.json",
        "fakeGoogle": fake,
        "oauthStart": f"{fns.url('oauth')}/start",
        "user": DEMO_USER,
        "frontendUrl": fns.extra_env.get("FRONTEND_URL", ""),
    }
    out.write_text(json.dumps(state, indent=2) + "\n")
    token = mint(fake)
    return "\n".join(
        [
            f"API            {api}   (OpenAPI: {api}/openapi.json)",
            f"fake Google    {fake}",
            f"allowed user   {DEMO_USER}",
            f"OAuth start    {state['oauthStart']} (form POST, field id_token)",
            f"after consent  {state['frontendUrl']}?gmail=pending&pending=<id> "
            "(FRONTEND_URL; its origin is allowed by CORS)",
            f"bearer token   valid {TOKEN_HOURS} h (make token for a fresh one):",
            token,
            f'try it         curl -H "Authorization: Bearer $(make -s token)" {api}/leads',
        ]
    )


def hold(fns: Functions) -> None:
    """Print the stack's description and wait for Ctrl-C."""
    print("\n" + describe(fns) + "\n\nrunning; Ctrl-C stops everything", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        print("\nstopping")


def token() -> int:
    """``make token``: a fresh bearer token from the running stack."""
    if not STATE.exists():
        print("no stack is running: start one with make stack", file=sys.stderr)
        return 1
    fake = json.loads(STATE.read_text())["fakeGoogle"]
    try:
        print(mint(fake))
    except requests.RequestException:
        print("the stack in build/stack.json is not running: make stack", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    """Run the stack until Ctrl-C."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = frontend_env(os.environ.get("FRONTEND_URL") or "http://localhost:5173/")
    with local_stack(ROOT / "build" / "stack") as stack:
        fns = Functions(stack, extra_env=env).start()
        if os.environ.get("SEED", "1") != "0":
            print(f"seeding {MAILBOX}: {seed(Driver(fns))} corpus emails processed")
        hold(fns)
    STATE.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(token() if sys.argv[1:] == ["token"] else main())
