"""Consent that can't double-bind or leak, on the emulators and the fake Google: two users
confirming pending connections of one shared mailbox at once were both told ``connected``
(get, check, then set); a consent never confirmed, or confirmed after its ten minutes, left
a working refresh token in the secret store for good."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.clock import utcnow
from shared.errors import NotFoundError
from shared.services.mailbox import bind
from shared.services.scheduled.tasks import purge_pending
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_entry_auth import client, pending_consent
from tests.integration.pipeline.test_ownership import PARTNER


def _secret_names(p: Pipeline) -> set[str]:
    folder = p.deps.settings.local_secrets_dir
    return {f.stem for f in Path(folder).glob("*.json")}


def test_two_confirms_of_one_mailbox_at_once_bind_it_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = pipeline
    mine, theirs = pending_consent(p, USER), pending_consent(p, PARTNER)
    both_read = threading.Barrier(2, timeout=30)
    real = bind._find_label

    def after_both_read(labels: Any, wanted: str) -> Any:
        both_read.wait()  # each has read "no account yet" before either writes
        return real(labels, wanted)

    monkeypatch.setattr(bind, "_find_label", after_both_read)

    def confirm(pending: tuple[str, str]) -> int:
        auth = {"Authorization": f"Bearer {pending[1]}"}
        return int(client("api").post(f"/gmail/connections/{pending[0]}", headers=auth).status_code)

    with ThreadPoolExecutor(2) as pool:
        answers = dict(zip((USER, PARTNER), pool.map(confirm, [mine, theirs]), strict=True))
    assert sorted(answers.values()) == [200, 409]
    [winner] = [user for user, status in answers.items() if status == 200]
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None and (account.state, account.owner) == ("connected", winner)
    backfills = [m for m in p.pull("TOPIC_SYNC") if m["trigger"] == "backfill"]
    assert len(backfills) == 1  # the loser queued nothing


def test_an_abandoned_or_late_consent_leaves_no_token(pipeline: Pipeline) -> None:
    p = pipeline
    p.connect()  # a bound mailbox: its secret must survive the purge
    bound = p.deps.accounts.get(p.mailbox)
    assert bound is not None
    abandoned, _ = pending_consent(p, USER)
    late, late_token = pending_consent(p, USER)
    before = _secret_names(p)
    assert len(before) == 3
    for pending_id in (abandoned, late):
        p.deps.db.collection("pending_connections").document(pending_id).update(
            {"expires_at": utcnow() - timedelta(minutes=1)}
        )
    auth = {"Authorization": f"Bearer {late_token}"}
    assert client("api").post(f"/gmail/connections/{late}", headers=auth).status_code == 404
    assert len(_secret_names(p)) == 2  # the late one's token went with it
    assert purge_pending(p.deps) == {"purged": 1}
    assert _secret_names(p) == {bound.secret_name}
    assert list(p.deps.db.collection("pending_connections").stream()) == []
    assert p.deps.secrets.get(bound.secret_name)  # the bound mailbox's token untouched
    assert purge_pending(p.deps) == {"purged": 0}
    with pytest.raises(NotFoundError):
        bind.confirm(p.deps, USER, abandoned)
