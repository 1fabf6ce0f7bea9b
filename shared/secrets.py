"""Refresh tokens in Secret Manager (one secret per mailbox), or a local folder for development."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Protocol

from google.api_core import exceptions as gexc

from shared.errors import NotFoundError, RetryableError
from shared.types import Sdk


def secret_id(mailbox: str) -> str:
    """Secret id for a mailbox: stable, and free of the address itself."""
    return "gmail-refresh-" + hashlib.sha256(mailbox.lower().encode()).hexdigest()[:24]


class SecretStore(Protocol):
    """Stores one secret value per mailbox."""

    def put(self, mailbox: str, value: str) -> str: ...
    def get(self, name: str) -> str: ...
    def delete(self, name: str) -> None: ...


class LocalSecretStore:
    """Files in a folder, shared by the local stack's processes. Development only."""

    def __init__(self, folder: str) -> None:
        self._folder = Path(folder)

    def put(self, mailbox: str, value: str) -> str:
        """Write a new version; returns the secret's name."""
        self._folder.mkdir(parents=True, exist_ok=True)
        name = secret_id(mailbox)
        path = self._folder / f"{name}.json"
        path.write_text(json.dumps([value]))  # the replaced token is not kept
        path.chmod(0o600)
        return name

    def get(self, name: str) -> str:
        """The latest version."""
        path = self._folder / f"{name}.json"
        if not path.exists():
            raise NotFoundError("secret not found")
        return str(json.loads(path.read_text())[-1])

    def delete(self, name: str) -> None:
        """Delete the secret and all versions."""
        (self._folder / f"{name}.json").unlink(missing_ok=True)


class SecretManagerStore:
    """Secret Manager: a secret per mailbox, a new version when the token changes."""

    def __init__(self, client: Sdk, project: str) -> None:
        self._client = client
        self._project = project

    def put(self, mailbox: str, value: str) -> str:
        """Create the secret if needed and add a version; returns the secret's id."""
        sid = secret_id(mailbox)
        parent = f"projects/{self._project}"
        try:
            with contextlib.suppress(gexc.Conflict):  # AlreadyExists, or 409 over REST
                self._client.create_secret(
                    request={
                        "parent": parent,
                        "secret_id": sid,
                        "secret": {"replication": {"automatic": {}}, "labels": {"kind": "gmail"}},
                    }
                )
            added = self._client.add_secret_version(
                request={"parent": f"{parent}/secrets/{sid}", "payload": {"data": value.encode()}}
            )
            self._destroy_older(f"{parent}/secrets/{sid}", added.name)
        except gexc.GoogleAPICallError as exc:
            raise RetryableError(f"Secret Manager write failed ({type(exc).__name__})") from exc
        return sid

    def _destroy_older(self, secret: str, keep: str) -> None:
        """A replaced refresh token does not linger: destroy every other enabled version."""
        listed = self._client.list_secret_versions(
            request={"parent": secret, "filter": "state:ENABLED"}
        )
        for version in listed:
            if version.name != keep:
                with contextlib.suppress(gexc.NotFound, gexc.FailedPrecondition):
                    self._client.destroy_secret_version(request={"name": version.name})

    def get(self, name: str) -> str:
        """The latest version's value."""
        path = f"projects/{self._project}/secrets/{name}/versions/latest"
        try:
            resp = self._client.access_secret_version(request={"name": path})
        except gexc.NotFound as exc:
            raise NotFoundError("secret not found") from exc
        except gexc.GoogleAPICallError as exc:
            raise RetryableError(f"Secret Manager read failed ({type(exc).__name__})") from exc
        return bytes(resp.payload.data).decode()

    def delete(self, name: str) -> None:
        """Delete the secret with every version (missing is fine)."""
        try:
            self._client.delete_secret(request={"name": f"projects/{self._project}/secrets/{name}"})
        except gexc.NotFound:
            return
        except gexc.GoogleAPICallError as exc:
            raise RetryableError(f"Secret Manager delete failed ({type(exc).__name__})") from exc
