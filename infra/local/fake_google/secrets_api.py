"""Secret Manager v1 REST subset (create, addVersion, access, list and destroy versions,
delete) for the REST transport."""

from __future__ import annotations

import base64
import threading
from typing import Any

import google_crc32c
from flask import Blueprint, jsonify, request


def _error(code: int, status: str, message: str) -> tuple[Any, int]:
    return jsonify(error={"code": code, "message": message, "status": status}), code


def secrets_blueprint() -> Blueprint:
    """Routes under /v1/projects/{project}/secrets."""
    bp = Blueprint("secretmanager", __name__)
    secrets: dict[str, list[dict[str, Any]]] = {}  # name -> versions {data, state}
    lock = threading.Lock()

    @bp.post("/v1/projects/<project>/secrets")
    def create(project: str) -> Any:
        name = f"projects/{project}/secrets/{request.args.get('secretId', '')}"
        with lock:
            if name in secrets:
                return _error(409, "ALREADY_EXISTS", f"Secret [{name}] already exists.")
            secrets[name] = []
        return jsonify(
            name=name,
            replication={"automatic": {}},
            labels=(request.get_json(silent=True) or {}).get("labels", {}),
        )

    @bp.route("/v1/projects/<project>/secrets/<path:rest>", methods=["GET", "POST", "DELETE"])
    def secret(project: str, rest: str) -> Any:
        base = f"projects/{project}/secrets"
        with lock:
            if request.method == "POST" and rest.endswith(":addVersion"):
                name = f"{base}/{rest.removesuffix(':addVersion')}"
                if name not in secrets:
                    return _error(404, "NOT_FOUND", f"Secret [{name}] not found.")
                data = (request.get_json(silent=True) or {}).get("payload", {}).get("data", "")
                secrets[name].append({"data": base64.b64decode(data), "state": "ENABLED"})
                return jsonify(name=f"{name}/versions/{len(secrets[name])}", state="ENABLED")
            if request.method == "GET" and rest.endswith("/versions"):
                name = f"{base}/{rest.removesuffix('/versions')}"
                if name not in secrets:
                    return _error(404, "NOT_FOUND", f"Secret [{name}] not found.")
                wanted = request.args.get("filter", "").removeprefix("state:") or None
                listed = [
                    {"name": f"{name}/versions/{i}", "state": v["state"]}
                    for i, v in reversed(list(enumerate(secrets[name], start=1)))
                    if wanted in (None, v["state"])
                ]
                return jsonify(versions=listed, totalSize=len(listed))
            if request.method == "POST" and rest.endswith(":destroy"):
                secret_id, _, version = rest.removesuffix(":destroy").partition("/versions/")
                versions = secrets.get(f"{base}/{secret_id}") or []
                if not version.isdigit() or not 1 <= int(version) <= len(versions):
                    return _error(404, "NOT_FOUND", "Secret version not found.")
                versions[int(version) - 1] = {"data": b"", "state": "DESTROYED"}
                return jsonify(name=f"{base}/{rest.removesuffix(':destroy')}", state="DESTROYED")
            if request.method == "GET" and rest.endswith(":access"):
                secret_id, _, version = rest.removesuffix(":access").partition("/versions/")
                versions = secrets.get(f"{base}/{secret_id}") or []
                index = len(versions) if version == "latest" else int(version or 0)
                if not versions or not 1 <= index <= len(versions):
                    return _error(404, "NOT_FOUND", "Secret version not found.")
                if versions[index - 1]["state"] != "ENABLED":
                    return _error(400, "FAILED_PRECONDITION", "Secret version is destroyed.")
                data = versions[index - 1]["data"]
                return jsonify(
                    name=f"{base}/{secret_id}/versions/{index}",
                    payload={
                        "data": base64.b64encode(data).decode(),
                        "dataCrc32c": str(google_crc32c.value(data)),
                    },
                )
            if request.method == "DELETE":
                if secrets.pop(f"{base}/{rest}", None) is None:
                    return _error(404, "NOT_FOUND", "Secret not found.")
                return jsonify({})
        return _error(400, "INVALID_ARGUMENT", "unsupported")

    return bp
