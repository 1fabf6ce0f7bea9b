"""Pub/Sub push for the webhook, as Google does it: with an OIDC token.

The Pub/Sub emulator's push sends no Authorization header, so locally this relay pulls the
Gmail notification subscription and POSTs each message, in the push envelope format, to
the webhook with an ID token minted by the fake Google's issuer. The webhook's real
verification stays on. Run: ``python -m infra.local.push_relay SUBSCRIPTION URL``.
"""

from __future__ import annotations

import argparse
import base64
import random
import threading
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
    ap.add_argument(
        "--twice",
        action="store_true",
        help="deliver every message twice, the copy late (at-least-once tests)",
    )
    ap.add_argument(
        "--retry-delay",
        type=float,
        default=1.0,
        help="seconds before a failed delivery is retried (production: 10 s to 10 min)",
    )
    args = ap.parse_args()
    tokens = TokenSource(args.fake, args.endpoint, args.service_account)

    rng = random.Random(7)  # noqa: S311 - test delays, not crypto

    def post(body: dict[str, Any]) -> int:
        try:
            return requests.post(
                args.endpoint,
                json=body,
                timeout=120,
                headers={"Authorization": f"Bearer {tokens.get()}"},
            ).status_code
        except requests.RequestException:
            return 599

    def deliver(message: Any) -> None:
        body = envelope(message, args.subscription)
        if args.twice:  # a second, late copy: duplicates arriving out of order
            timer = threading.Timer(rng.uniform(0.1, 3.0), post, args=(body,))
            timer.daemon = True
            timer.start()
        if post(body) < 300:
            message.ack()
        else:  # Pub/Sub's retry policy: redelivered after a backoff, not at once (the
            # client keeps extending a leased message's deadline, so it is nacked later)
            later = threading.Timer(args.retry_delay, message.nack)
            later.daemon = True
            later.start()

    subscriber = pubsub_v1.SubscriberClient()
    # several deliveries in flight, as Pub/Sub push to an instance with concurrency 16 (the
    # emulator's own push would deliver without a token)
    flow = pubsub_v1.types.FlowControl(max_messages=16)
    subscriber.subscribe(args.subscription, callback=deliver, flow_control=flow).result()


if __name__ == "__main__":
    main()
