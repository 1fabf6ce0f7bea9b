"""What may become a Firestore document id: checked before any read or write, so hostile
input is a 400/404, never a 500 from Firestore ("__x__", ".", "..", slashes, length)."""

from __future__ import annotations

import re

DOC_ID_PATTERN = r"[A-Za-z0-9_:@.+-]{1,200}"
_DOC_ID = re.compile(DOC_ID_PATTERN)
_MAILBOX = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,8}")


def is_doc_id(value: object) -> bool:
    """Whether ``value`` is safe as a Firestore document id (not reserved, no slash)."""
    return (
        isinstance(value, str)
        and _DOC_ID.fullmatch(value) is not None
        and value not in (".", "..")
        and not (value.startswith("__") and value.endswith("__"))
    )


def is_mailbox(value: object) -> bool:
    """Whether ``value`` is a lower-case email address usable as an account's id."""
    return isinstance(value, str) and _MAILBOX.fullmatch(value) is not None and is_doc_id(value)
