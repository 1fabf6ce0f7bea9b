"""``oauth_states/{state}``: single-use, expiring OAuth states bound to the user who started."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from google.api_core import exceptions as gexc
from google.cloud import firestore

from shared.errors import ValidationError
from shared.ids import is_doc_id
from shared.records import Grant
from shared.store.errors import store_errors
from shared.store.optimistic import unchanged_since

COLLECTION = "oauth_states"
TTL = timedelta(minutes=10)


class OAuthStates:
    """Creates and consumes OAuth ``state`` values."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def create(
        self, state: str, user: str, code_verifier: str, now: datetime, browser_hash: str = ""
    ) -> None:
        """Store a new state for ``user`` with its PKCE verifier and, for the redirect flow,
        the hash of the browser cookie set by ``/start``."""
        with store_errors("create oauth state"):
            self._db.collection(COLLECTION).document(state).create(
                {
                    "user": user,
                    "code_verifier": code_verifier,
                    "browser_hash": browser_hash,
                    "expires_at": now + TTL,
                    "used": False,
                }
            )

    def consume(self, state: str, now: datetime, browser_hash: str) -> Grant:
        """Use a state once, from the browser that started it; raises
        :class:`ValidationError` (and changes nothing) if it is missing, used, expired or
        was started in another browser."""
        if not is_doc_id(state):
            raise ValidationError("missing or malformed OAuth state")
        ref = self._db.collection(COLLECTION).document(state)
        with store_errors("consume oauth state"):
            snap = ref.get()
            data = (snap.to_dict() or {}) if snap.exists else None
            found = None
            if data is not None and not hmac.compare_digest(
                str(data.get("browser_hash") or ""), browser_hash or "-"
            ):
                raise ValidationError("this consent was not started in this browser")
            if data is not None and not data.get("used") and data["expires_at"] > now:
                try:  # single use: only the first to flip ``used`` wins
                    ref.update(
                        {"used": True, "used_at": now}, option=unchanged_since(self._db, snap)
                    )
                    found = data
                except gexc.FailedPrecondition:
                    found = None
        if found is None:
            raise ValidationError("OAuth state is unknown, used or expired")
        return Grant(str(found["user"]), str(found["code_verifier"]))
