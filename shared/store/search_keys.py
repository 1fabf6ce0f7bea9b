"""Search keys of a lead: the prefixes of the words of its name, email, phone, street and city,
normalised (case and accents folded), so one ``array_contains`` finds a lead by any prefix of
any of those words through an index, over all of an owner's leads.

Bounded: words of at most ``WORD_MAX`` characters count, a lead keeps at most ``KEYS_MAX``
keys (a Firestore document has at most 40,000 index entries; each key is one entry in each
search index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from shared.types import JsonObject

WORD_MAX = 24
KEYS_MAX = 400
QUERY_WORDS_MAX = 8
_WORD = re.compile(r"[a-z0-9]+")
_PHONE = re.compile(r"\+?[\d\s().-]*\d{3}[\d\s().-]*")


def fold(text: str) -> str:
    """Lower case without accents (``Zoë`` -> ``zoe``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits), each cut to ``WORD_MAX``."""
    return [w[:WORD_MAX] for w in _WORD.findall(fold(text))]


def _phone_words(phone: str) -> list[str]:
    digits = "".join(c for c in phone if c.isdigit())
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    local = national[3:] if len(national) == 10 else ""  # the number without its area code
    return [w for w in (digits, national, local, national[-4:]) if w]


def _lead_words(lead: JsonObject) -> Iterable[str]:
    for name in ("first_name", "last_name", "email"):
        value = lead.get(name)
        if isinstance(value, str):
            yield from words(value)
    email = lead.get("email")
    if isinstance(email, str):  # the whole address is a word too
        yield fold(email.strip())[:WORD_MAX]
    phone = lead.get("phone")
    if isinstance(phone, str):
        yield from _phone_words(phone)
    prop = lead.get("property")
    for part in ("street", "city"):
        if isinstance(prop, dict) and isinstance(prop.get(part), str):
            yield from words(prop[part])


def search_keys(lead: JsonObject) -> list[str]:
    """Every prefix of every searchable word of a stored lead, sorted, at most ``KEYS_MAX``."""
    keys: set[str] = set()
    for word in _lead_words(lead):
        keys.update(word[:end] for end in range(1, len(word) + 1))
    return sorted(keys, key=lambda k: (len(k), k))[:KEYS_MAX]


def query_words(q: str) -> list[str]:
    """The words a search asks for (each must be a key of a matching lead), longest first:
    the first is looked up through the index, the others checked on the found leads."""
    if _PHONE.fullmatch(q.strip()):  # a phone number however written: its digits
        return _phone_words(q)[1:2]
    asked = words(q)
    if "@" in q:
        asked.append(fold(q.strip())[:WORD_MAX])
    return sorted(dict.fromkeys(asked), key=len, reverse=True)[:QUERY_WORDS_MAX]


def sort_name(lead: JsonObject) -> str:
    """How a lead sorts by name: last name, first name, then email (folded)."""
    parts = [lead.get("last_name"), lead.get("first_name"), lead.get("email")]
    return " ".join(fold(p) for p in parts if isinstance(p, str) and p)[:100]


def search_fields(lead: JsonObject) -> JsonObject:
    """The fields a stored lead carries for search and name order."""
    return {"search_keys": search_keys(lead), "sort_name": sort_name(lead)}
