"""ID-token verification for push, scheduler and frontend callers.

Signing certs are fetched from the issuer's certs URL (Google's, or the fake's locally) and
cached; tokens are checked with google-auth (signature, expiry, audience) and then for the
issuer and the caller's identity.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import requests
from google.auth import exceptions as gauth_exceptions
from google.auth import jwt

from shared.errors import ForbiddenError, RetryableError, UnauthenticatedError

CERTS_TTL_S = 300
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; 401 if missing or malformed."""
    if not header or not header.startswith("Bearer ") or len(header) > 8192:
        raise UnauthenticatedError("missing bearer token")
    token = header[7:].strip()
    if token.count(".") != 2:
        raise UnauthenticatedError("malformed bearer token")
    return token


class TokenVerifier:
    """Verifies RS256 ID tokens from one issuer."""

    def __init__(self, issuer: str, certs_url: str) -> None:
        self.issuer = issuer
        self.certs_url = certs_url
        self._certs: dict[str, str] = {}
        self._fetched = 0.0
        self._lock = threading.Lock()

    def _certs_now(self, refresh: bool = False) -> dict[str, str]:
        with self._lock:
            if refresh or not self._certs or time.monotonic() - self._fetched > CERTS_TTL_S:
                try:
                    resp = requests.get(self.certs_url, timeout=10)
                    resp.raise_for_status()
                    self._certs = dict(resp.json())
                except (requests.RequestException, ValueError) as exc:
                    raise RetryableError("cannot fetch the issuer's signing keys") from exc
                self._fetched = time.monotonic()
            return self._certs

    def verify(self, header: str | None, audiences: Iterable[str]) -> dict[str, Any]:
        """Claims of a valid token for one of ``audiences``; 401 otherwise."""
        token = bearer(header)
        allowed = [a for a in audiences if a]
        if not allowed:
            raise UnauthenticatedError("no audience configured")
        for attempt in (0, 1):
            try:
                claims = jwt.decode(
                    token,
                    certs=self._certs_now(refresh=attempt == 1),
                    audience=allowed,
                    clock_skew_in_seconds=10,
                )
                break
            except (ValueError, gauth_exceptions.GoogleAuthError) as exc:
                if attempt == 1 or "Certificate for key id" not in str(exc):
                    raise UnauthenticatedError("invalid token") from exc
        issuers = {self.issuer, *(GOOGLE_ISSUERS if self.issuer in GOOGLE_ISSUERS else ())}
        if claims.get("iss") not in issuers:
            raise UnauthenticatedError("token from an unexpected issuer")
        return dict(claims)


def require_service_account(claims: dict[str, Any], email: str) -> None:
    """403 unless the token is the expected service account's, with a verified email."""
    if not email or claims.get("email") != email or claims.get("email_verified") is not True:
        raise ForbiddenError("caller is not the expected service account")


def require_user(claims: dict[str, Any], users: Iterable[str], domains: Iterable[str]) -> str:
    """The caller's email if allow-listed (by address or domain); 403 otherwise."""
    email = str(claims.get("email", "")).lower()
    if not email or claims.get("email_verified") is not True:
        raise ForbiddenError("token has no verified email")
    allowed_users = {u.lower() for u in users}
    allowed_domains = {d.lower().lstrip("@") for d in domains}
    if email in allowed_users or email.rpartition("@")[2] in allowed_domains:
        return email
    raise ForbiddenError("user is not allowed")
