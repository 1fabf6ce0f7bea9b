"""A real browser connects a mailbox: headless Chromium on a frontend page served from
another site (127.0.0.1) than the functions (localhost), through the local Cloud Run front.

Cookies, CORS and redirects behave as in users' browsers: the consent cookie set by the
top-level form POST to ``/start`` comes back on the callback; the page's API calls with a
bearer token pass CORS with a preflight. The consent-link attack is replayed in a second
profile and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from infra.local.driver import Driver, wait_until
from infra.local.emulators import free_port
from infra.local.functions_stack import DEMO_USER, Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.e2e.browser import available, browser, serve_attack, serve_page

PARTNER = "partner@example.com"
LABEL = "Processed lead"

pytestmark = pytest.mark.skipif(
    not available(), reason="Chromium is installed by `make browser` (part of `make test-e2e`)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Driver, str]]:
    """The stack with its functions on localhost, and the page on 127.0.0.1."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        "FRONTEND_URL": f"{origin}/app.html",
        "FRONTEND_ORIGINS": origin,
        "ALLOWED_USERS": f"{DEMO_USER},{PARTNER}",
    }
    with local_stack(ROOT / "build" / "logs" / "e2e-browser") as stack:
        fns = Functions(stack, extra_env=env, host="localhost").start()
        folder = tmp_path_factory.mktemp("page")
        with serve_page(folder, port, fns.url("oauth"), fns.url("api")) as page:
            yield Driver(fns), page


def refusal(driver: WebDriver) -> str:
    """The reason the frontend shows after a refused connection."""
    out = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "out").text or None)
    return str(json.loads(str(out))["refused"])


def shown(driver: WebDriver) -> dict[str, Any]:
    """What the page shows once its API calls are done."""
    out = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "out").text or None)
    assert not str(out).startswith("error"), out
    return dict(json.loads(str(out)))


def test_a_browser_connects_and_the_page_reads_the_api_across_sites(
    site: tuple[Driver, str],
) -> None:
    d, page = site
    mailbox = "landlord@example.com"
    d.create_mailbox(mailbox, LABEL)
    mail = stream(3, 11, mailbox, repeat_share=0.0)
    emails = sorted(renter.email for _, renter in mail)
    for raw, _ in mail:
        d.deliver(mailbox, raw, [LABEL], notify=False)
    requests.post(f"{d.fake}/_fake/consent", json={"address": mailbox}, timeout=10)
    with browser() as chromium:
        chromium.get(f"{page}#{d.mint('fake-client', DEMO_USER)}")
        chromium.find_element(By.ID, "go").click()  # form POST → Google → callback → page
        WebDriverWait(chromium, 30).until(lambda c: "gmail=connected" in c.current_url)
        first = shown(chromium)
        assert first["mailbox"] == mailbox and first["state"] == "connected"
        assert wait_until(lambda: sum(d.outcomes(mailbox).values()) == 3, 90)
        chromium.refresh()
        again = shown(chromium)
        assert sorted(again["leads"]) == emails
        assert again["edits"] == {"etag": True, "first": 200, "stale": 412}
    account = d.account(mailbox)
    assert account["owner"] == DEMO_USER and account["state"] == "connected"
    front = (d.fns.stack.log_dir / "cloud-run-front.log").read_text()
    preflight = '"function": "api", "method": "OPTIONS", "status": 204'
    assert preflight in front  # the page's bearer calls were preflighted, and allowed


def test_a_consent_link_opened_in_another_browser_changes_nothing(
    site: tuple[Driver, str],
) -> None:
    """The partner starts a connection and sends the link to a mailbox's owner; the owner's
    browser has not the partner's cookie: 400, no account, nothing queued."""
    d, page = site
    victim = "victim@example.com"
    d.create_mailbox(victim, LABEL)
    start = requests.post(  # from the partner's own browser, on the frontend
        f"{d.fns.url('oauth')}/start",
        data={"id_token": d.mint("fake-client", PARTNER)},
        headers={"Origin": page.rsplit("/", 1)[0]},
        allow_redirects=False,
        timeout=30,
    )
    link = start.headers["Location"]  # what the partner sends
    requests.post(f"{d.fake}/_fake/consent", json={"address": victim}, timeout=10)
    with browser() as owners_browser:
        owners_browser.get(link)  # consents, and is sent to the callback, then the frontend
        WebDriverWait(owners_browser, 30).until(lambda c: "gmail=error" in c.current_url)
        assert refusal(owners_browser) == "invalid_argument"
    assert d.account(victim) == {}


def test_a_forced_start_from_an_attackers_page_binds_nothing(
    site: tuple[Driver, str], tmp_path: Any
) -> None:
    """An allow-listed attacker's page, on a third origin, auto-submits the attacker's own
    ID token to /start in the victim's browser: refused by its Origin before any consent;
    the victim's frontend shows why, and no mailbox is bound to anyone."""
    d, _ = site
    victim = "forced@example.com"
    d.create_mailbox(victim, LABEL)
    requests.post(f"{d.fake}/_fake/consent", json={"address": victim}, timeout=10)
    token = d.mint("fake-client", PARTNER)
    oauth = d.fns.url("oauth")
    with serve_attack(tmp_path, free_port(), oauth, token) as attack, browser() as victims:
        victims.get(attack)
        WebDriverWait(victims, 30).until(lambda c: "gmail=error" in c.current_url)
        assert refusal(victims) == "origin_refused"
    assert d.account(victim) == {}
    assert d.db().collection("pending_connections").limit(1).get() == []


@pytest.mark.parametrize(
    ("answer", "reason"), [("deny", "access_denied"), ("no_gmail", "scope_missing")]
)
def test_cancel_and_an_unticked_scope_end_on_the_frontend(
    site: tuple[Driver, str], answer: str, reason: str
) -> None:
    d, page = site
    mailbox = f"{answer}@example.com"
    d.create_mailbox(mailbox, LABEL)
    body = {"address": mailbox, "answer": answer}
    requests.post(f"{d.fake}/_fake/consent", json=body, timeout=10)
    with browser() as chromium:
        chromium.get(f"{page}#{d.mint('fake-client', DEMO_USER)}")
        chromium.find_element(By.ID, "go").click()
        WebDriverWait(chromium, 30).until(lambda c: "gmail=error" in c.current_url)
        assert refusal(chromium) == reason
    assert d.account(mailbox) == {}
