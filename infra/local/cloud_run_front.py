"""A local stand-in for Cloud Run's front end, in front of every function of the local stack.

What it does, as Cloud Run does it (Cloud Run and Cloud Functions docs: authentication,
request headers, troubleshooting "signature removed"):

* For a function whose invokers are restricted (``shared/invokers.py``), the token in
  ``X-Serverless-Authorization`` (if sent) or ``Authorization`` is checked before the function
  sees anything: none → 403, not a valid Google-signed ID token for this service's URL
  (signature, expiry, audience, issuer) → 401, a caller without the invoker role → 403. The
  token then reaches the function with its signature replaced by ``SIGNATURE_REMOVED_BY_GOOGLE``.
* Public functions get the request without any check.
* Every request loses ``X-Google-*`` and hop-by-hop headers and gains ``X-Cloud-Trace-Context``,
  ``traceparent``, ``X-Forwarded-For``, ``X-Forwarded-Proto`` and ``Forwarded``.

Run: ``python -m infra.local.cloud_run_front ROUTES_JSON`` where each route is
``{"name", "port", "upstream", "invokers": [emails] | ["allUsers"]}``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from google.auth import exceptions as gauth_exceptions
from google.auth import jwt

from infra.local.front_headers import forwarded_headers

MAX_BODY = 32 * 1024 * 1024  # Cloud Run's HTTP/1 request size limit
REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE"
UPSTREAM_TIMEOUT_S = 600


class Certs:
    """The issuer's signing certificates, cached for five minutes."""

    def __init__(self, url: str) -> None:
        self.url, self._at, self._lock = url, 0.0, threading.Lock()
        self._certs: dict[str, str] = {}

    def get(self) -> dict[str, str]:
        """Current certificates."""
        with self._lock:
            if not self._certs or time.monotonic() - self._at > 300:
                self._certs = dict(requests.get(self.url, timeout=10).json())
                self._at = time.monotonic()
            return self._certs


def iam_check(
    header: str | None, audiences: list[str], invokers: list[str], issuer: str, certs: Certs
) -> tuple[int, str, str]:
    """(status, reason, header to forward): 200 with the signature removed, or 401/403."""
    if not header:
        return 403, "no credentials", ""
    match = re.fullmatch(r"Bearer ([\w-]+\.[\w-]+\.[\w-]+)", header.strip())
    if not match:
        return 401, "not a bearer ID token", ""
    token = match.group(1)
    try:
        claims = jwt.decode(token, certs=certs.get(), audience=audiences, clock_skew_in_seconds=0)
    except (ValueError, gauth_exceptions.GoogleAuthError) as exc:
        return 401, f"invalid token: {str(exc)[:80]}", ""
    if claims.get("iss") != issuer:
        return 401, "token from another issuer", ""
    if claims.get("email") not in invokers:
        return 403, "caller lacks the invoker role", ""
    return 200, "ok", "Bearer " + token.rpartition(".")[0] + "." + REMOVED


def make_handler(route: dict[str, Any], issuer: str, certs: Certs) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one function's route."""
    public = route["invokers"] == ["allUsers"]
    audiences = [route["url"], route["url"] + "/"]

    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response_only(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, status: int, reason: str) -> None:
            self._log(status, reason)
            page = f"<html><title>{status}</title>Your client does not have permission.</html>"
            self._answer(status, page.encode(), [("Content-Type", "text/html; charset=UTF-8")])

        def _log(self, status: int, reason: str) -> None:
            entry = {"severity": "INFO" if status < 400 else "WARNING", "function": route["name"]}
            entry |= {"method": self.command, "status": status, "reason": reason}
            print(json.dumps(entry), file=sys.stderr, flush=True)

        def _body(self) -> bytes | None:
            length = self.headers.get("Content-Length")
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks, total = [], 0
                while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                    total += size
                    if total > MAX_BODY:
                        return None
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            if length and int(length) > MAX_BODY:
                return None
            return self.rfile.read(int(length)) if length else b""

        def _handle(self) -> None:
            body = self._body()
            if body is None:
                self.close_connection = True
                return self._refuse(413, "request too large")
            headers = forwarded_headers(self.headers.items(), self.client_address[0])
            if not public:
                key = (
                    "X-Serverless-Authorization"
                    if self.headers.get("X-Serverless-Authorization")
                    else "Authorization"
                )
                status, reason, checked = iam_check(
                    self.headers.get(key), audiences, route["invokers"], issuer, certs
                )
                if status != 200:
                    return self._refuse(status, reason)
                headers = [(k, v) for k, v in headers if k.lower() != key.lower()]
                headers.append((key, checked))
            try:
                resp = requests.request(
                    self.command,
                    f"http://127.0.0.1:{route['upstream']}{self.path}",
                    data=body,
                    headers=dict(headers),
                    allow_redirects=False,
                    timeout=UPSTREAM_TIMEOUT_S,
                    stream=True,
                )
                content = resp.raw.read(decode_content=False)
            except requests.RequestException:
                return self._refuse(503, "no instance answered")
            self._log(resp.status_code, "forwarded")
            hop = {"connection", "keep-alive", "transfer-encoding", "content-length"}
            out = [(k, v) for k, v in resp.raw.headers.items() if k.lower() not in hop]
            self._answer(resp.status_code, content, out)

    for verb in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        setattr(Front, f"do_{verb}", Front._handle)
    return Front


def main() -> None:
    """Serve every route until killed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("routes", help="JSON list of routes")
    args = ap.parse_args()
    issuer, certs = os.environ["OIDC_ISSUER"], Certs(os.environ["OIDC_CERTS_URL"])
    servers = []
    for route in json.loads(args.routes):
        server = ThreadingHTTPServer(
            ("127.0.0.1", route["port"]), make_handler(route, issuer, certs)
        )
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
