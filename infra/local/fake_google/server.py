"""The fake Google as one HTTP app: in a thread for tests, or ``python -m`` as a process."""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, make_server

from infra.local.fake_google.batch import handle_batch
from infra.local.fake_google.control_api import control_blueprint
from infra.local.fake_google.gmail_api import GmailApi
from infra.local.fake_google.keys import SigningKey
from infra.local.fake_google.notify import Notifier
from infra.local.fake_google.oauth_api import oauth_blueprint
from infra.local.fake_google.quota import NEW_PROJECT_UNITS
from infra.local.fake_google.secrets_api import secrets_blueprint
from infra.local.fake_google.state import FakeState


def create_app(base_url: str, units_per_second: int = NEW_PROJECT_UNITS) -> Flask:
    """Build the app; ``base_url`` is its own address (issuer and endpoint URLs)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    state, key = FakeState(), SigningKey()
    api = GmailApi(state, units_per_second)
    notifier = Notifier(state, api.faults)
    app = Flask("fake_google")
    app.config["state"] = state
    app.register_blueprint(oauth_blueprint(state, key, base_url))
    app.register_blueprint(control_blueprint(state, key, notifier, base_url))
    app.register_blueprint(secrets_blueprint())

    @app.route("/gmail/v1/<path:rest>", methods=["GET", "POST"])
    def gmail(rest: str) -> Any:
        body = request.get_json(silent=True) or {}
        status, answer = api.serve(
            request.method,
            request.path,
            request.query_string.decode(),
            body,
            request.headers.get("Authorization", ""),
        )
        if answer is None:
            return Response(status=status)
        return jsonify(answer), status

    @app.post("/batch/gmail/v1")
    @app.post("/batch")
    def batch() -> Any:
        status, ctype, payload = handle_batch(api, request.content_type or "", request.get_data())
        return Response(payload, status=status, content_type=ctype)

    @app.get("/")
    def health() -> Any:
        return "Ok"

    return app


class FakeGoogle:
    """Runs the app on a loopback port in a background thread."""

    def __init__(self, port: int = 0, units_per_second: int = NEW_PROJECT_UNITS) -> None:
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", port, Flask("placeholder"), threaded=True
        )
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._server.app = create_app(self.url, units_per_second)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeGoogle:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()


def main() -> None:
    """Serve until killed: ``python -m infra.local.fake_google.server --port N``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--quota", type=int, default=NEW_PROJECT_UNITS, help="units/user/s")
    ap.add_argument("--latency-ms", type=int, default=0, help="how long a request takes")
    args = ap.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    app = create_app(url, args.quota)
    app.config["state"].faults.latency_ms = args.latency_ms
    make_server("127.0.0.1", args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
