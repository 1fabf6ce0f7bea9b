"""Where ``Any`` is allowed in ``shared/``: only through these aliases, each naming why the
shape is unknown to the type checker. Everything else is typed."""

from __future__ import annotations

from typing import Any

# A value parsed from JSON, a stored document's field or a log field: its shape is checked
# where it is read (models, ``isinstance``), not promised by a type.
Json = Any
# A JSON object: a request or Pub/Sub payload, a Firestore document, a Gmail API resource.
JsonObject = dict[str, Json]
# An object of a Google SDK whose types are missing or unusable (clients, references,
# snapshots, batches, API request objects, credentials).
Sdk = Any
