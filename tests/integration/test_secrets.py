"""The Secret Manager adapter through the real client's REST transport, against the fake."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import secretmanager

from infra.local.fake_google.server import FakeGoogle
from shared.errors import NotFoundError
from shared.secrets import LocalSecretStore, SecretManagerStore, SecretStore, secret_id


def stores(fake: FakeGoogle, tmp: Path) -> list[SecretStore]:
    client = secretmanager.SecretManagerServiceClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": fake.url},
    )
    return [SecretManagerStore(client, "leadharvest-local"), LocalSecretStore(str(tmp))]


def test_one_secret_per_mailbox_new_version_on_change(
    fake_google: FakeGoogle, tmp_path: Path
) -> None:
    for store in stores(fake_google, tmp_path):
        name = store.put("Ops@Example.com", "1//first")
        assert name == secret_id("ops@example.com") and "example" not in name
        assert store.get(name) == "1//first"
        assert store.put("ops@example.com", "1//second") == name
        assert store.get(name) == "1//second"
        store.delete(name)
        with pytest.raises(NotFoundError):
            store.get(name)
        store.delete(name)  # deleting twice is fine
