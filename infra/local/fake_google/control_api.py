"""Test controls under ``/_fake``: seed and deliver mail, consent, faults, tokens, stats."""

from __future__ import annotations

import base64
import dataclasses
import time
from typing import Any

from flask import Blueprint, jsonify, request

from infra.local.fake_google.keys import SigningKey
from infra.local.fake_google.notify import Notifier
from infra.local.fake_google.state import FakeState, Faults


def control_blueprint(  # noqa: PLR0915 - one route table
    state: FakeState, key: SigningKey, notifier: Notifier, issuer: str
) -> Blueprint:
    """Routes a test or the demo drives the fake with; never part of Google's API."""
    bp = Blueprint("control", __name__, url_prefix="/_fake")

    def body() -> dict[str, Any]:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    @bp.post("/mailboxes")
    def create_mailbox() -> Any:
        data = body()
        with state.lock:
            box = state.mailbox(data["address"])
            for name in data.get("labels", []):
                state.label_id(box, name)
        return jsonify(address=box.address, historyId=box.history_id)

    @bp.post("/mailboxes/<address>/messages")
    def deliver(address: str) -> Any:
        """Add an email (``raw`` base64) with label names; notify the watch like Gmail."""
        data = body()
        raw = base64.b64decode(data["raw"])
        with state.lock:
            box = state.mailbox(address)
            ids = ["INBOX", "UNREAD"] + [state.label_id(box, n) for n in data.get("labels", [])]
            received = data.get("internalDate")
            # ``copies``: the same email many times over, sharing one copy of its bytes
            made = [
                state.add_message(box, raw, ids, int(received) if received else None)
                for _ in range(max(1, int(data.get("copies", 1))))
            ]
        if data.get("notify", True):
            notifier(box, ids)
        return jsonify(id=made[0].id, ids=[m.id for m in made], historyId=made[-1].history_id)

    @bp.post("/mailboxes/<address>/label")
    def add_label(address: str) -> Any:
        """Apply a label (by name) to existing messages, as an operator relabelling does."""
        data = body()
        with state.lock:
            box = state.mailbox(address)
            label = state.label_id(box, data["label"])
            for msg_id in data["ids"]:
                state.add_labels(box, box.messages[msg_id], [label])
        notifier(box, [label])
        return jsonify(historyId=box.history_id)

    @bp.post("/mailboxes/<address>/expire-history")
    def expire_history(address: str) -> Any:
        """Forget history: any older startHistoryId now answers 404."""
        with state.lock:
            box = state.mailbox(address)
            box.min_history_id = box.history_id
        return jsonify(minHistoryId=box.min_history_id)

    @bp.post("/mailboxes/<address>/wipe-history")
    def wipe_history(address: str) -> Any:
        """Lose history records silently (no 404): history.list answers with nothing but
        the newest historyId, as when Gmail's history misses changes."""
        with state.lock:
            box = state.mailbox(address)
            box.history.clear()
        return jsonify(historyId=box.history_id)

    @bp.get("/mailboxes/<address>")
    def mailbox(address: str) -> Any:
        with state.lock:
            box = state.mailbox(address)
            return jsonify(
                address=box.address,
                historyId=box.history_id,
                messages=len(box.messages),
                watch=box.watch,
                labels=list(box.labels.values()),
            )

    @bp.post("/consent")
    def consent() -> Any:
        data = body()
        state.consent_user = data["address"].lower()
        state.consent_answer = str(data.get("answer", "allow"))
        return jsonify(consentUser=state.consent_user, answer=state.consent_answer)

    @bp.post("/revoke-all")
    def revoke_all() -> Any:
        """The user revokes this app's access: every token of the mailbox stops working."""
        address = body()["address"].lower()
        with state.lock:
            for table in (state.refresh_tokens,):
                for tok in [t for t, owner in table.items() if owner == address]:
                    del table[tok]
            for tok in [t for t, (owner, _) in state.access_tokens.items() if owner == address]:
                del state.access_tokens[tok]
        return jsonify(revoked=address)

    @bp.post("/mailboxes/<address>/expire-refresh")
    def expire_refresh(address: str) -> Any:
        """The mailbox's refresh tokens expire now (as a Testing-mode grant does after 7
        days): refreshing answers ``invalid_grant``."""
        with state.lock:
            for tok, owner in state.refresh_tokens.items():
                if owner == address.lower():
                    state.refresh_expiry[tok] = time.time() - 1
        return jsonify(expired=address)

    @bp.post("/faults")
    def faults() -> Any:
        data = body()
        names = {f.name for f in dataclasses.fields(Faults)}
        for name, value in data.items():
            if name in names:
                setattr(state.faults, name, value)
        return jsonify(dataclasses.asdict(state.faults))

    @bp.post("/id-token")
    def id_token() -> Any:
        """Mint an ID token (push, scheduler or user) signed by this issuer's key."""
        data = body()
        token = key.mint(
            data.get("issuer", issuer),
            data["audience"],
            data["email"],
            email_verified=data.get("email_verified", True),
            expires_in=int(data.get("expires_in", 3600)),
        )
        return jsonify(id_token=token)

    @bp.get("/stats")
    def stats() -> Any:
        with state.lock:
            return jsonify(dict(state.counters))

    @bp.post("/stats/reset")
    def stats_reset() -> Any:
        with state.lock:
            state.counters.clear()
        return jsonify({})

    return bp
