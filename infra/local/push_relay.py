"""Pub/Sub push for the webhook, as Google does it: with an OIDC token.

The Pub/Sub emulator's push sends no Authorization header, so locally this relay pulls the
Gmail notification subscription and POSTs each message, in the push envelope format, to
the webhook with an ID token minted by the fake Google's issuer. The webhook's real
verification stays on. Run: ``python -m infra.local.push_relay SUBSCRIPTION URL``.
"""

from __future__ import annotations

import argparse
import base64
import time
from typing import Any

import requests
from google.cloud import pubsub_v1  # type: ignore[attr-defined]


class TokenSource:
    """Caches an ID token from the fake issuer for the push service account."""

    def __init__(self, fake_url: str, audience: str, email: str) -> None:
        self._args = {"audience": audience, "email": email, "expires_in": 3600}
        self._url = f"{fake_url}/_fake/id-token"
        self._token, self._until = "", 0.0

    def get(self) -> str:
        """A token valid for at least five more minutes."""
        if time.monotonic() > self._until:
            self._token = requests.post(self._url, json=self._args, timeout=10).json()["id_token"]
            self._until = time.monotonic() + 3000
        return self._token


def envelope(message: Any, subscription: str) -> dict[str, Any]:
    """The JSON body Pub/Sub push sends."""
    return {
        "message": {
            "data": base64.b64encode(message.data).decode(),
            "messageId": message.message_id,
            "attributes": dict(message.attributes),
            "publishTime": message.publish_time.isoformat(),
        },
        "subscription": subscription,
    }


def main() -> None:
    """Relay until killed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("subscription")
    ap.add_argument("endpoint")
    ap.add_argument("--fake", required=True)
    ap.add_argument("--service-account", required=True)
    args = ap.parse_args()
    tokens = TokenSource(args.fake, args.endpoint, args.service_account)
    session = requests.Session()

    def deliver(message: Any) -> None:
        try:
            resp = session.post(
                args.endpoint,
                json=envelope(message, args.subscription),
                headers={"Authorization": f"Bearer {tokens.get()}"},
                timeout=60,
            )
        except requests.RequestException:
            message.nack()
            return
        (message.ack if resp.status_code < 300 else message.nack)()

    subscriber = pubsub_v1.SubscriberClient()
    flow = pubsub_v1.types.FlowControl(max_messages=16)
    subscriber.subscribe(args.subscription, callback=deliver, flow_control=flow).result()


if __name__ == "__main__":
    main()
