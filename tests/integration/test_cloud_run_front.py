"""The local Cloud Run front: IAM check, signature removal, headers added and stripped.

The front runs in-process in front of an echo server (which answers with the headers it
got), with the fake Google as the token issuer.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from infra.local.cloud_run_front import REMOVED, Certs, make_handler
from infra.local.fake_google.server import FakeGoogle

PUSH = "push@test.iam.gserviceaccount.com"


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        return

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.dumps(
            {"headers": dict(self.headers.items()), "body": self.rfile.read(length).decode()}
        ).encode()
        self.send_response(200)
        self.send_header("Set-Cookie", "a=1")
        self.send_header("Set-Cookie", "b=2")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _echo  # noqa: N815 - http.server's naming


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def front(fake_google_server: FakeGoogle) -> Iterator[dict[str, str]]:
    fake_google = fake_google_server
    echo = serve(Echo)
    certs = Certs(f"{fake_google.url}/oauth2/v1/certs")
    servers, urls = [], {}
    for name, invokers in (("private", [PUSH]), ("public", ["allUsers"])):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)  # placeholder for the port
        url = f"http://127.0.0.1:{server.server_port}"
        route = {"name": name, "url": url, "upstream": echo.server_port, "invokers": invokers}
        server.RequestHandlerClass = make_handler(route, fake_google.url, certs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = url
    yield urls
    for server in [*servers, echo]:
        server.shutdown()


def mint(fake: FakeGoogle, audience: str, email: str = PUSH, **extra: Any) -> str:
    body = {"audience": audience, "email": email, **extra}
    return str(requests.post(f"{fake.url}/_fake/id-token", json=body, timeout=5).json()["id_token"])


def test_private_function_gets_the_token_without_its_signature(
    front: dict[str, str], fake_google: FakeGoogle
) -> None:
    url = front["private"]
    token = mint(fake_google, url)
    resp = requests.post(
        url + "/x?y=1",
        data=b"payload",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Google-Internal": "spoofed",
            "Proxy-Authorization": "Basic abc",
            "X-Forwarded-For": "203.0.113.7",
            "X-Cloud-Trace-Context": "0123456789abcdef0123456789abcdef/1;o=1",
        },
        timeout=10,
    )
    assert resp.status_code == 200
    assert resp.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    got = {k.lower(): v for k, v in resp.json()["headers"].items()}
    assert resp.json()["body"] == "payload"
    header, payload, signature = got["authorization"].removeprefix("Bearer ").split(".")
    assert signature == REMOVED and token.startswith(f"{header}.{payload}.")
    assert "x-google-internal" not in got and "proxy-authorization" not in got
    assert got["x-cloud-trace-context"].startswith("0123456789abcdef0123456789abcdef/")
    assert got["traceparent"].startswith("00-0123456789abcdef0123456789abcdef-")
    assert got["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert got["x-forwarded-proto"] == "http" and got["forwarded"] == 'for="127.0.0.1";proto=http'


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no token", 403),
        ("not a JWT", 401),
        ("forged signature", 401),
        ("signature already removed", 401),
        ("expired", 401),
        ("other audience", 401),
        ("other issuer", 401),
        ("not an invoker", 403),
    ],
)
def test_private_function_is_shielded(
    front: dict[str, str], fake_google: FakeGoogle, case: str, status: int
) -> None:
    url = front["private"]
    good = mint(fake_google, url)
    tokens = {
        "no token": None,
        "not a JWT": "abc",
        "forged signature": good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        "signature already removed": good.rpartition(".")[0] + "." + REMOVED,
        "expired": mint(fake_google, url, expires_in=-600),
        "other audience": mint(fake_google, "http://elsewhere.test"),
        "other issuer": mint(fake_google, url, issuer="https://evil.test"),
        "not an invoker": mint(fake_google, url, email="someone@evil.test"),
    }
    token = tokens[case]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    resp = requests.post(url, data=b"{}", headers=headers, timeout=10)
    assert resp.status_code == status
    assert "headers" not in resp.text  # the function was never reached


def test_serverless_authorization_is_checked_and_authorization_passes_through(
    front: dict[str, str], fake_google: FakeGoogle
) -> None:
    url = front["private"]
    app_token = "Bearer app-level-credential"
    resp = requests.get(
        url,
        headers={
            "X-Serverless-Authorization": f"Bearer {mint(fake_google, url)}",
            "Authorization": app_token,
        },
        timeout=10,
    )
    got = resp.json()["headers"]
    assert got["Authorization"] == app_token
    assert got["X-Serverless-Authorization"].endswith("." + REMOVED)
    stranger = mint(fake_google, url, email="someone@evil.test")
    resp = requests.get(
        url, headers={"X-Serverless-Authorization": f"Bearer {stranger}"}, timeout=10
    )
    assert resp.status_code == 403


def test_public_function_gets_the_request_unchecked_and_untouched_token(
    front: dict[str, str], fake_google: FakeGoogle
) -> None:
    url = front["public"]
    assert requests.get(url, timeout=10).status_code == 200
    token = mint(fake_google, "fake-client")
    got = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert got["headers"]["Authorization"] == f"Bearer {token}"
    assert "X-Cloud-Trace-Context" in got["headers"]


def test_oversized_body_is_refused_before_the_function(front: dict[str, str]) -> None:
    """Cloud Run's 32 MiB request limit: refused on the declared length, nothing read."""
    conn = http.client.HTTPConnection(urlsplit(front["public"]).netloc, timeout=10)
    conn.putrequest("POST", "/")
    conn.putheader("Content-Length", str(33 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
