"""Helpers for driving the fake Google from tests (its control API and OAuth flow)."""

from __future__ import annotations

import base64
import email.message
import hashlib
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from infra.local.driver import deliver
from tests.golden import golden_files

REDIRECT = "http://127.0.0.1:9/oauth/callback"
__all__ = [
    "PRIVATE",
    "REDIRECT",
    "UNRECOGNISED",
    "consent_code",
    "corpus_files",
    "deliver",
    "paystub_lead",
    "refresh_token_for",
]


def consent_code(
    url: str, address: str, challenge: str | None = None, redirect_uri: str = REDIRECT
) -> str:
    """Run the fake consent screen for ``address``; returns the authorization code
    (``redirect_uri="postmessage"`` for a frontend's popup code client)."""
    params = {
        "client_id": "fake-client",
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "https://www.googleapis.com/auth/gmail.readonly",
        "state": "s1",
        "access_type": "offline",
        "prompt": "consent",
        "login_hint": address,
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    resp = requests.get(f"{url}/o/oauth2/auth", params=params, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]


def refresh_token_for(url: str, address: str) -> str:
    """Complete the code flow with PKCE; returns the refresh token."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    code = consent_code(url, address, challenge)
    resp = requests.post(
        f"{url}/token",
        timeout=10,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "fake-client",
            "client_secret": "x",
            "code_verifier": verifier,
        },
    )
    resp.raise_for_status()
    return str(resp.json()["refresh_token"])


def corpus_files() -> list[Path]:
    """The dev corpus's golden emails, in file-name order (``dev-0000`` first)."""
    return golden_files("dev")


PRIVATE = b"""From: Clinic <results@clinic.example>
To: owner@example.com
Subject: Your test results
Date: Tue, 24 Nov 2026 10:00:00 +0000
Message-ID: <results-1@clinic.example>
Content-Type: text/plain; charset=utf-8

Your results are ready. Please call us.
"""
"""Personal mail that is no lead (a clinic's results notice, invented)."""


def paystub_lead(size: int = 6_000_000) -> bytes:
    """A renter's inquiry with a pay stub attached (``size`` bytes of PDF)."""
    msg = email.message.EmailMessage()
    msg["From"], msg["To"] = "Priya Nandakumar <priya.nandakumar@example.org>", "kim@example.net"
    msg["Subject"], msg["Date"] = "Application for 12 Oak Street", "Tue, 03 Jun 2025 10:00:00 -0400"
    msg.set_content(
        "Hi, I'd like to apply for the apartment at 12 Oak Street, Springfield, IL 62704. "
        "My pay stub is attached. You can call me at 217-555-0143."
    )
    msg.add_attachment(b"%PDF-1.7\n" + b"0" * size, "application", "pdf", filename="paystub.pdf")
    return bytes(msg)


UNRECOGNISED = (
    b"From: Ops Desk <desk@example-pm.com>\r\nTo: owner@example.com\r\n"
    b"Subject: Unit 4 keys\r\nDate: Tue, 03 Jun 2025 10:00:00 -0400\r\n\r\n"
    b"The keys for unit 4 are in the lockbox, code 4411.\r\n"
)
"""An email of the lead label with no lead evidence and no known shape."""
