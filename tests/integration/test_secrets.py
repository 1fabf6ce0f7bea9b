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


def test_a_replaced_token_is_destroyed_not_kept(fake_google: FakeGoogle, tmp_path: Path) -> None:
    client = secretmanager.SecretManagerServiceClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": fake_google.url},
    )
    store = SecretManagerStore(client, "leadharvest-local")
    name = store.put("rotate@example.com", "1//old")
    store.put("rotate@example.com", "1//new")
    parent = f"projects/leadharvest-local/secrets/{name}"
    versions = {
        v.name.rsplit("/", 1)[1]: v.state.name for v in client.list_secret_versions(parent=parent)
    }
    assert versions == {"1": "DESTROYED", "2": "ENABLED"}
    assert store.get(name) == "1//new"
    local = LocalSecretStore(str(tmp_path))
    local.put("rotate@example.com", "1//old")
    local.put("rotate@example.com", "1//new")
    assert "1//old" not in (tmp_path / f"{name}.json").read_text()
    store.delete(name)
