"""Revoking a user's OAuth grant at Google (light: no Gmail client needed)."""

from __future__ import annotations

import requests


def revoke_grant(revoke_uri: str, token: str) -> bool:
    """Revoke an OAuth grant (best effort); True if Google confirmed it."""
    try:
        resp = requests.post(revoke_uri, data={"token": token}, timeout=10)
    except requests.RequestException:
        return False
    return resp.status_code < 300
