"""``oauth_states/{state}``: single-use, expiring OAuth states bound to the user who started."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore

from shared.errors import ValidationError
from shared.store.errors import store_errors

COLLECTION = "oauth_states"
TTL = timedelta(minutes=10)


class OAuthStates:
    """Creates and consumes OAuth ``state`` values."""

    def __init__(self, db: firestore.Client) -> None:
        self._db = db

    def create(self, state: str, user: str, code_verifier: str, now: datetime) -> None:
        """Store a new state for ``user`` with its PKCE verifier."""
        with store_errors("create oauth state"):
            self._db.collection(COLLECTION).document(state).create(
                {
                    "user": user,
                    "code_verifier": code_verifier,
                    "expires_at": now + TTL,
                    "used": False,
                }
            )

    def consume(self, state: str, now: datetime) -> dict[str, Any]:
        """Use a state once; raises :class:`ValidationError` if missing, used or expired."""
        if not state or len(state) > 200 or "/" in state:
            raise ValidationError("missing or malformed OAuth state")
        ref = self._db.collection(COLLECTION).document(state)

        @firestore.transactional
        def use(txn: firestore.Transaction) -> dict[str, Any] | None:
            snap = ref.get(transaction=txn)
            data = snap.to_dict() or {} if snap.exists else None
            if data is None or data.get("used") or data["expires_at"] <= now:
                return None
            txn.update(ref, {"used": True, "used_at": now})
            return data

        with store_errors("consume oauth state"):
            found = use(self._db.transaction())
        if found is None:
            raise ValidationError("OAuth state is unknown, used or expired")
        return found  # type: ignore[no-any-return]
