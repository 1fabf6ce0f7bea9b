"""ID-token verification for push, scheduler and frontend callers.

Two kinds of entry point (``shared/invokers.py`` says which function is which):

* Public ones (the API, the OAuth flow) verify everything: signing certs are fetched from the
  issuer's certs URL (Google's, or the fake's locally) and cached; google-auth checks the
  signature, expiry and audience, then the issuer and the caller's identity are checked.
* IAM-protected ones (push and scheduler targets) sit behind Cloud Run's IAM check, which
  verifies the signature and the invoker role and then replaces the signature with
  ``SIGNATURE_REMOVED_BY_GOOGLE``. They check the claims of that token (audience, issuer,
  expiry, email, email_verified); a token that still has a signature is verified in full.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable

import requests
from google.auth import exceptions as gauth_exceptions
from google.auth import jwt

from shared.errors import ForbiddenError, RetryableError, UnauthenticatedError
from shared.types import JsonObject

CERTS_TTL_S = 300
REFETCH_EVERY_S = 60
SKEW_S = 10
MAX_LIFETIME_S = 3600 + 300  # Google's ID tokens live one hour
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
SIGNATURE_REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE"


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; 401 if missing or malformed."""
    if not header or not header.startswith("Bearer ") or len(header) > 8192:
        raise UnauthenticatedError("missing bearer token")
    token = header[7:].strip()
    if token.count(".") != 2:
        raise UnauthenticatedError("malformed bearer token")
    return token


def iam_checked(authorization: str | None, serverless_authorization: str | None) -> str | None:
    """The header Cloud Run's IAM check used: ``X-Serverless-Authorization`` when the caller
    sent one (``Authorization`` then reaches the function untouched and unchecked), else
    ``Authorization``."""
    return serverless_authorization or authorization


def signature_removed(token: str) -> bool:
    """Whether Cloud Run's front end replaced the token's signature."""
    return token.rpartition(".")[2] == SIGNATURE_REMOVED


def _claims_in_time(claims: JsonObject) -> None:
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise UnauthenticatedError("token without expiry or issue time")
    if isinstance(exp, bool) or not (math.isfinite(exp) and math.isfinite(iat)) or iat <= 0:
        raise UnauthenticatedError("token with absurd expiry or issue time")
    if now > exp + SKEW_S or iat > now + SKEW_S or exp - iat > MAX_LIFETIME_S:
        raise UnauthenticatedError("token expired or not yet valid")


class TokenVerifier:
    """Verifies RS256 ID tokens from one issuer."""

    def __init__(self, issuer: str, certs_url: str) -> None:
        self.issuer = issuer
        self.certs_url = certs_url
        self._certs: dict[str, str] = {}
        self._fetched = 0.0
        self._lock = threading.Lock()

    def _may_refetch(self) -> bool:
        """An unknown key id refetches the certs at most once a minute per instance (so bad
        tokens cannot turn every request into a fetch under the lock)."""
        with self._lock:
            return time.monotonic() - self._fetched > REFETCH_EVERY_S

    def _certs_now(self, refresh: bool = False) -> dict[str, str]:
        with self._lock:
            stale = not self._fetched or time.monotonic() - self._fetched > CERTS_TTL_S
            if refresh or stale:
                try:
                    resp = requests.get(self.certs_url, timeout=10)
                    resp.raise_for_status()
                    self._certs = dict(resp.json())
                except (requests.RequestException, ValueError) as exc:
                    raise RetryableError("cannot fetch the issuer's signing keys") from exc
                self._fetched = time.monotonic()
            return self._certs

    def verify(self, header: str | None, audiences: Iterable[str]) -> JsonObject:
        """Claims of a valid, signed token for one of ``audiences``; 401 otherwise.

        For publicly invokable functions: a token whose signature was removed is refused.
        """
        token = bearer(header)
        if signature_removed(token):
            raise UnauthenticatedError("unsigned token (accepted only behind Cloud Run IAM)")
        return self._verify_signed(token, audiences)

    def verify_behind_iam(self, header: str | None, audiences: Iterable[str]) -> JsonObject:
        """Claims of a token Cloud Run's IAM check already verified; 401 otherwise.

        Only for functions whose invokers are restricted by IAM (never ``allUsers``): the
        signature-removed token's claims are checked; a signed token is verified in full.
        """
        token = bearer(header)
        if not signature_removed(token):
            return self._verify_signed(token, audiences)
        allowed = [a for a in audiences if a]
        try:
            header_part = jwt.decode_header(token)
            claims = dict(jwt.decode(token, verify=False))
        except (ValueError, TypeError) as exc:
            raise UnauthenticatedError("malformed token") from exc
        if header_part.get("alg") != "RS256":
            raise UnauthenticatedError("token not signed with RS256")
        if not allowed or claims.get("aud") not in allowed:
            raise UnauthenticatedError("token for another audience")
        _claims_in_time(claims)
        return self._issuer_checked(claims)

    def _issuer_checked(self, claims: JsonObject) -> JsonObject:
        issuers = {self.issuer, *(GOOGLE_ISSUERS if self.issuer in GOOGLE_ISSUERS else ())}
        if claims.get("iss") not in issuers:
            raise UnauthenticatedError("token from an unexpected issuer")
        return claims

    def _verify_signed(self, token: str, audiences: Iterable[str]) -> JsonObject:
        allowed = [a for a in audiences if a]
        if not allowed:
            raise UnauthenticatedError("no audience configured")
        for attempt in (0, 1):
            try:
                claims = jwt.decode(
                    token,
                    certs=self._certs_now(refresh=attempt == 1 and self._may_refetch()),
                    audience=allowed,
                    clock_skew_in_seconds=SKEW_S,
                )
                break
            except (ValueError, gauth_exceptions.GoogleAuthError) as exc:
                if attempt == 1 or "Certificate for key id" not in str(exc):
                    raise UnauthenticatedError("invalid token") from exc
        return self._issuer_checked(dict(claims))


def require_service_account(claims: JsonObject, email: str) -> None:
    """403 unless the token is the expected service account's, with a verified email."""
    if not email or claims.get("email") != email or claims.get("email_verified") is not True:
        raise ForbiddenError("caller is not the expected service account")


def require_user(claims: JsonObject, users: Iterable[str], domains: Iterable[str]) -> str:
    """The caller's email if allow-listed (by address or domain); 403 otherwise."""
    email = str(claims.get("email", "")).lower()
    if not email or claims.get("email_verified") is not True:
        raise ForbiddenError("token has no verified email")
    allowed_users = {u.lower() for u in users}
    allowed_domains = {d.lower().lstrip("@") for d in domains}
    if email in allowed_users or email.rpartition("@")[2] in allowed_domains:
        return email
    raise ForbiddenError("user is not allowed")
