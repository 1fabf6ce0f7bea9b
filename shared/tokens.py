"""Opaque page tokens: text a client hands back unchanged, base64url without padding."""

from __future__ import annotations

import base64


def pack(text: str) -> str:
    """The token for ``text``."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def unpack(token: str) -> str:
    """The text of a token from :func:`pack`.

    Raises:
        ValueError: The token is not base64url of UTF-8 text.
    """
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
