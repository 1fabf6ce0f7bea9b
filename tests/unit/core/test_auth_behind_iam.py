"""Signature-removed tokens: accepted only by IAM-protected entry points, and only with the
right claims; hostile shapes are a 401, never a crash."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from shared.auth import SIGNATURE_REMOVED, TokenVerifier
from shared.errors import UnauthenticatedError

ISS, AUD = "https://iss.test", "https://fn.test/hook"


def part(obj: Any) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token(header: Any = None, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 3600, "email": "sa@x.test"}
    body |= claims
    return f"Bearer {part(header or {'alg': 'RS256', 'kid': 'k'})}.{part(body)}.{SIGNATURE_REMOVED}"


def verifier() -> TokenVerifier:
    return TokenVerifier(ISS, "http://127.0.0.1:9/never-fetched")


def test_good_claims_pass_behind_iam_but_never_on_a_public_entry() -> None:
    assert verifier().verify_behind_iam(token(), [AUD])["email"] == "sa@x.test"
    with pytest.raises(UnauthenticatedError, match="unsigned"):
        verifier().verify(token(), [AUD])


@pytest.mark.parametrize(
    "header",
    [
        token(aud="https://other.test"),
        token(iss="https://evil.test"),
        token(exp=int(time.time()) - 60, iat=int(time.time()) - 3660),
        token(iat=int(time.time()) + 600),
        token(exp=int(time.time()) + 86400),  # lives longer than a Google ID token
        token(exp="soon"),
        token({"alg": "none"}),
        token({"alg": "HS256"}),
        token(aud=[AUD]),
        f"Bearer {part(b'not json')}.{part({'aud': AUD})}.{SIGNATURE_REMOVED}",
        f"Bearer {part({'alg': 'RS256'})}.{part(b'[1,2]')}.{SIGNATURE_REMOVED}",
        f"Bearer %%%.{part({'aud': AUD})}.{SIGNATURE_REMOVED}",
        f"Bearer {part({'alg': 'RS256'})}.{'A' * 9000}.{SIGNATURE_REMOVED}",
        f"Bearer ..{SIGNATURE_REMOVED}",
        None,
        "Basic abc",
    ],
)
def test_bad_or_hostile_tokens_are_401(header: str | None) -> None:
    with pytest.raises(UnauthenticatedError):
        verifier().verify_behind_iam(header, [AUD])


def test_unknown_key_ids_refetch_the_certs_at_most_once_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetches: list[str] = []

    class Resp:
        def raise_for_status(self) -> None:
            return None

        def json(self) -> dict[str, str]:
            return {}

    def fake_get(url: str, timeout: float) -> Resp:
        fetches.append(url)
        return Resp()

    monkeypatch.setattr("shared.auth.requests.get", fake_get)
    signed = token().removesuffix(SIGNATURE_REMOVED) + "c2lnbmF0dXJl"
    v = verifier()
    for _ in range(50):
        with pytest.raises(UnauthenticatedError):
            v.verify(signed, [AUD])
    assert len(fetches) == 1  # the first fetch; no refetch per bad key id
