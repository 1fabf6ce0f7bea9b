"""Headless Chromium (Debian's chromium and chromium-driver, installed by ``make browser``)
and the test page of a frontend served from another site than the functions."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

# The frontend's connect flow, as small as it can be: the user's ID token (Google Identity
# Services would give it; here the test passes it in the fragment) goes to /start in a
# top-level form POST; back from Google with a pending connection, the page shows which
# mailbox and confirms it with the signed-in user's token (CORS, preflight), then reads the
# API and edits a lead with its ETag; back with an error, it shows the reason.
PAGE = """<!doctype html><meta charset="utf-8"><title>LeadHarvest test frontend</title>
<form id="connect" method="post" action="{oauth}/start">
  <input type="hidden" name="id_token" id="token"><button id="go">Connect Gmail</button>
</form>
<pre id="out"></pre>
<script>
const api = "{api}";
const token = location.hash.slice(1) || sessionStorage.getItem("token") || "";
sessionStorage.setItem("token", token);
document.getElementById("token").value = token;
const out = document.getElementById("out");
const params = new URLSearchParams(location.search);
const back = (query) => location.replace(location.pathname + "?" + query);
if (params.get("gmail") === "pending") {{
  out.textContent = "connect " + params.get("mailbox") + " to your account?";
  fetch(api + "/gmail/connections/" + encodeURIComponent(params.get("pending")), {{
    method: "POST", headers: {{Authorization: "Bearer " + token}}}})
    .then((r) => r.json().then((b) => [r.status, b]))
    .then(([status, b]) => back(status === 200 ? "gmail=connected"
      : "gmail=error&reason=" + encodeURIComponent(b.error.code)))
    .catch((e) => {{ out.textContent = "error: " + e; }});
}}
if (params.get("gmail") === "error") {{
  out.textContent = JSON.stringify({{refused: params.get("reason")}});
}}
if (params.get("gmail") === "connected") {{
  const get = (path) => fetch(api + path, {{headers: {{Authorization: "Bearer " + token}}}})
    .then((r) => r.json());
  const auth = {{Authorization: "Bearer " + token}};
  // an edit as two tabs make it: the lead's ETag (an exposed header) back in If-Match
  // (an allowed header of the preflight); the second edit with the same tag is stale
  const edit = (id, tag) => fetch(api + "/leads/" + id, {{method: "PATCH",
    headers: {{...auth, "Content-Type": "application/json", "If-Match": tag}},
    body: JSON.stringify({{notes: "from the browser"}})}}).then((r) => r.status);
  Promise.all([get("/gmail/status"), get("/leads?limit=100")])
    .then(async ([status, leads]) => {{
      const seen = {{mailbox: status.mailbox, state: status.state,
        leads: leads.leads.map((l) => l.email)}};
      if (leads.leads.length) {{
        const id = leads.leads[0].id;
        const tag = (await fetch(api + "/leads/" + id, {{headers: auth}})).headers.get("ETag");
        seen.edits = {{etag: tag !== null, first: await edit(id, tag), stale: await edit(id, tag)}};
      }}
      out.textContent = JSON.stringify(seen);
    }})
    .catch((e) => {{ out.textContent = "error: " + e; }});
}}
</script>
"""


@contextlib.contextmanager
def _serve(folder: Path, port: int, name: str, html: str) -> Iterator[str]:
    (folder / name).write_text(html)
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/{name}"
    finally:
        server.shutdown()


def serve_page(
    folder: Path, port: int, oauth: str, api: str
) -> contextlib.AbstractContextManager[str]:
    """Serve the page on 127.0.0.1 (the functions are on localhost: another site)."""
    return _serve(folder, port, "app.html", PAGE.format(oauth=oauth, api=api))


# An attacker's page on a third origin: it posts the attacker's own ID token to /start as
# soon as the victim opens it (a forced start).
ATTACK = """<!doctype html><meta charset="utf-8"><title>free rent calculator</title>
<form method="post" action="{oauth}/start"><input type="hidden" name="id_token" value="{token}">
</form><script>document.forms[0].submit();</script>
"""


def serve_attack(
    folder: Path, port: int, oauth: str, token: str
) -> contextlib.AbstractContextManager[str]:
    """Serve the attacker's page on another origin (its own port)."""
    return _serve(folder, port, "attack.html", ATTACK.format(oauth=oauth, token=token))


def available() -> bool:
    """Whether Chromium and its driver are installed."""
    return all(shutil.which(p) for p in (CHROMIUM, CHROMEDRIVER))


@contextlib.contextmanager
def browser() -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium profile (its own cookies and storage)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
