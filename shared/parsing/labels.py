"""One shared reading of label/value text, used by every source.

Labels are matched by meaning: each canonical key has its synonyms, compared after case
folding and with punctuation dropped (``*Phone:``, ``E-mail``, ``MOVE-IN``). A value is on
the same line (``Label: value``), in the next cell (``Label<TAB>value``) or on the next line
(``Label`` alone, as many HTML templates lay them out). Sources add their own synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final

_MAX_LABEL = 48
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "first": ("First Name", "First", "Renter First Name", "Prospect First Name"),
    "last": ("Last Name", "Last", "Surname", "Renter Last Name", "Prospect Last Name"),
    "name": (
        "Name",
        "Full Name",
        "Renter Name",
        "Renter",
        "Prospect Name",
        "Prospect",
        "Contact Name",
        "Lead Name",
        "Customer Name",
        "Your Name",
        "Guest Name",
        "Contact",
        "Consumer",
        "Consumer Name",
        "Client Name",
        "Sender",
        "From",
    ),
    "email": (
        "Email",
        "E-mail",
        "Email Address",
        "E-mail Address",
        "Renter Email",
        "Contact Email",
        "Prospect Email",
        "Your Email",
    ),
    "phone": (
        "Phone",
        "Phone Number",
        "Primary Phone",
        "Home Phone",
        "Cell Phone",
        "Cell",
        "Mobile",
        "Mobile Phone",
        "Mobile Number",
        "Telephone",
        "Tel",
        "Contact Phone",
        "Phone No",
        "Daytime Phone",
        "Your Phone",
        "Work Phone",
    ),
    "move_in": (
        "Move in",
        "Move-in",
        "Move in date",
        "Move-in date",
        "Move Date",
        "Desired Move In",
        "Desired Move-in Date",
        "Desired move in date",
        "Moving Date",
        "Target Move In",
        "Planned Move In",
        "Move-in by",
        "Lease Start",
        "Desired Lease Start",
    ),
    "message": (
        "Message",
        "Comments",
        "Comment",
        "Personal Message from Prospect",
        "Personal Message",
        "Notes",
        "Note",
        "Questions",
        "Question",
        "Additional Comments",
        "Message from renter",
        "Message Body",
        "Your Message",
        "Inquiry",
        "Enquiry",
        "Details",
    ),
    "credit": ("Credit score", "Credit", "Credit Rating", "Credit Score Range"),
    "income": (
        "Income",
        "Annual income",
        "Monthly income",
        "Household Income",
        "Gross Income",
        "Yearly Income",
    ),
    "pets": ("Pets", "Pet", "Has Pets"),
    "lease": (
        "Lease Length",
        "Lease term",
        "Lease",
        "Desired Lease Term",
        "Lease Duration",
        "Length of Lease",
        "Desired Lease Length",
    ),
    "occupants": (
        "Number of Occupants",
        "Occupants",
        "Number of People",
        "Household Size",
        "Total Occupants",
    ),
    "bedrooms": (
        "Number of Bedrooms",
        "Bedrooms",
        "Beds",
        "Bed",
        "Desired Bedrooms",
        "Beds/Baths",
        "Bedrooms Desired",
    ),
    "property_name": ("Property Name", "Community", "Community Name", "Listing Name"),
    "address": (
        "Property Address",
        "Property Address 1",
        "Listing Address",
        "Rental Address",
        "Street Address",
        "Unit Address",
    ),
    "address2": ("Property Address 2", "Address 2", "Address Line 2"),
    "city": ("City", "Property City"),
    "state": ("State", "Property State"),
    "zip": ("Zip", "Zip Code", "Postal Code", "Property Zip"),
}


@lru_cache(maxsize=8192)
def norm_label(label: str) -> str:
    """A label as compared: case-folded, punctuation and ``*`` markers dropped."""
    return _NON_ALNUM.sub(" ", label.casefold()).strip()


def _table(extra: Mapping[str, Iterable[str]] | None) -> dict[str, str]:
    table = {norm_label(a): key for key, names in SYNONYMS.items() for a in names}
    for key, names in (extra or {}).items():
        table.update({norm_label(a): key for a in names})
    return table


_DEFAULT = _table(None)


class Labels:
    """Finds the values of known labels in a list of lines (first occurrence wins).

    Args:
        lines: The email body as stripped lines.
        extra: Source-specific synonyms, canonical key → labels.
        skip: Canonical keys this source does not read (their labels still end blocks).
    """

    def __init__(
        self,
        lines: Sequence[str],
        extra: Mapping[str, Iterable[str]] | None = None,
        skip: Iterable[str] = (),
    ) -> None:
        self.lines = lines
        self._by_label = _table(extra) if extra else _DEFAULT
        self._skip = frozenset(skip)
        self.values: dict[str, str] = {}
        self.index: dict[str, int] = {}
        self._scan()

    def key_of(self, line: str) -> tuple[str | None, str | None]:
        """Return ``(key, inline value)`` if the line starts with a known label."""
        head, sep, rest = line.partition(":")
        if sep and len(head) <= _MAX_LABEL:
            key = self._by_label.get(norm_label(head))
            if key:
                return key, rest.strip()
        head, sep, rest = line.partition("\t")
        if len(head) > _MAX_LABEL:
            return None, None
        key = self._by_label.get(norm_label(head))
        return (key, rest.strip() or None) if key else (None, None)

    def _scan(self) -> None:
        for i, line in enumerate(self.lines):
            if not line or line[0] in "\"“'":
                continue
            key, value = self.key_of(line)
            if key is None or key in self.values or key in self._skip:
                continue
            if not value and i + 1 < len(self.lines):
                following = self.lines[i + 1]
                if self.key_of(following)[0] is None:
                    value = following
            self.values[key] = value or ""
            self.index[key] = i

    def get(self, key: str) -> str | None:
        """The value for ``key``, or None if the label is absent."""
        return self.values.get(key)

    def block(self, key: str, stop: Callable[[str], bool]) -> str | None:
        """The value for ``key`` with its continuation lines, up to a label or ``stop`` line."""
        if key not in self.index:
            return None
        start = self.index[key]
        _, inline = self.key_of(self.lines[start])
        out = [inline] if inline else []
        for line in self.lines[start + 1 :]:
            if stop(line) or self.key_of(line)[0] is not None:
                break
            out.append(line)
        return trim_block(out)


def trim_block(lines: Sequence[str]) -> str | None:
    """Join lines, dropping leading/trailing blank lines and folding runs of blanks."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    text = "\n".join(out).strip()
    return text or None
