"""The fake OIDC issuer's signing key: RS256, served as PEM certs (v1) and JWKS (v3)."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """An RSA key with a self-signed certificate, able to mint ID tokens."""

    def __init__(self) -> None:
        self.kid = secrets.token_hex(8)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google-oidc")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(self._key, hashes.SHA256())
        )
        self.cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._signer = crypt.RSASigner.from_string(pem, key_id=self.kid)

    def certs_v1(self) -> dict[str, str]:
        """``{kid: PEM certificate}``, the format of Google's oauth2/v1/certs."""
        return {self.kid: self.cert_pem}

    def jwks(self) -> dict[str, Any]:
        """The public key as a JWK Set (oauth2/v3/certs)."""
        nums = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "alg": "RS256",
                    "use": "sig",
                    "kid": self.kid,
                    "n": _b64(nums.n),
                    "e": _b64(nums.e),
                }
            ]
        }

    def mint(
        self,
        issuer: str,
        audience: str,
        email: str,
        *,
        email_verified: bool = True,
        expires_in: int = 3600,
        sub: str | None = None,
        **extra: Any,
    ) -> str:
        """An RS256 ID token as Google issues them for Pub/Sub push, Scheduler or sign-in."""
        now = int(time.time())
        payload = {
            "iss": issuer,
            "aud": audience,
            "azp": audience,
            "sub": sub or email,
            "email": email,
            "email_verified": email_verified,
            "iat": now - 1,
            "exp": now + expires_in,
            **extra,
        }
        return str(jwt.encode(self._signer, payload).decode())
