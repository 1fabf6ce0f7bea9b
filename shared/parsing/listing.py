"""The listing a renter asks about, found by meaning: candidates from labels, from phrases
(``about`` / ``for`` / ``regarding`` / ``listing at``) and from address-shaped lines, each
read by ``usaddress`` (a conditional random field trained on US addresses)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

import usaddress

from shared.parsing.families import SITE_OFFICES
from shared.parsing.labels import norm_label
from shared.parsing.normalize.address import STREET_SUFFIXES, parse_address
from shared.parsing.record import Property

_LABELS = frozenset(
    norm_label(x)
    for x in (
        "Address",
        "Listing",
        "Listing Address",
        "Property",
        "Property Address",
        "Property Address 1",
        "Rental Address",
        "Unit Address",
        "Street Address",
        "In Regards to Property",
        "Regarding",
        "Regarding your listing at",
        "StreetEasy Listing street address",
        "Listing street address",
        "Your Property Listing Overview",
        "Property Details",
        "Your listing",
    )
)
_PHRASE = re.compile(
    r"\b(?:about|for|at|regarding|re|in|of|interested in|inquiry (?:for|about)|listing at)"
    r":? {1,3}(\d{1,6}[A-Za-z]? {1,3}[A-Za-z0-9].{2,150})$",
    re.I,
)
_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,? )?(?:\d{1,2}/\d{1,2}/\d{2,4}|"
    r"\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})"
    r"(?:,? (?:at )?\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp]\.?[Mm]\.?)?)?"
)
# a date glued to the address on one line ("06/02/2025 - 77 Hollis Park Dr", "…43215Jun 3, 2026")
_DATE_HEAD = re.compile(rf"^{_DATE}\s*[-–|:,]?\s*", re.I)
_DATE_TAIL = re.compile(rf"(?<=\d{{5}})\s*[-–|,]?\s*{_DATE}$|\s+[-–|]\s*{_DATE}$", re.I)
# a street inside a sentence: the words up to its type ("at 318 Maple Court still free?")
_IN_SENTENCE = re.compile(
    r"^\d{1,6}[A-Za-z]?(?: [NSEW]\.?)?(?: [A-Z0-9][\w'-]{0,25}){1,4} "
    rf"(?:{STREET_SUFFIXES})\b\.?"
    r"(?:,? (?:Unit|Apt\.?|Apartment|Ste\.?|Suite|#) ?[A-Za-z0-9-]{1,8})?"
)
_SHAPE = re.compile(r"^\d{1,6}[A-Za-z]?(?:-\d{1,5})? {1,3}[A-Za-z0-9#]")
_CITY_LINE = re.compile(
    r"^[A-Za-z][A-Za-z .'-]{1,40},? {1,3}[A-Z]{2}\.?,? {0,3}(?:\d{5}(?:-\d{4})?)?$"
)
_TAIL = re.compile(r"\s*(?:\[[^\]]{0,300}\]|\([^)]{0,80}\)|<[^>]{0,300}>)\s*$")
_STREET_PARTS = (
    "AddressNumber",
    "StreetNamePreModifier",
    "StreetNamePreDirectional",
    "StreetNamePreType",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
)
_MAX_CANDIDATES = 40
_SENTENCE_END = re.compile(r"(?<=[a-z]{2})[.?!]\s+(?=[A-Z][a-z])|[?!]")
_NAMED = re.compile(r"^[A-Za-z][^,\d]{1,60}, {0,2}(\d{1,6} )")
_NOT_A_STREET = re.compile(
    r"^\d[\d,.]*\s*(?:bed|bd|br\b|bdrm|bath|ba\b|sq|month|mo\b|year|yr|people|person|"
    r"occupant|pet|dog|cat|roommate|day|week|minute|hour|am\b|pm\b|%|x\b|units?\b|matched|"
    r"or more|to \d|of \d|guest|adult|child|kid|car|parking|min\b|mi\b|miles?)",
    re.I,
)
# A street needs more than a number and a word: a type, a direction, or a city/state/zip.
_ANCHORS = (
    "StreetNamePostType",
    "StreetNamePreDirectional",
    "StreetNamePostDirectional",
    "StreetNamePreType",
    "ZipCode",
    "StateName",
)


def _clean(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split())
    text = _DATE_TAIL.sub("", _DATE_HEAD.sub("", text))
    text = _SENTENCE_END.split(text, maxsplit=1)[0]  # "at 742 Evergreen Ter. Is it free?"
    for _ in range(3):
        text = _TAIL.sub("", text)
    return text.strip(" .,;:-")


def _is_office(text: str) -> bool:
    low = text.casefold()
    return any(office.casefold() in low for office in SITE_OFFICES)


@lru_cache(maxsize=4096)
def read_address(text: str) -> Property | None:
    """One candidate read as a listing address; None when it is not one.

    Args:
        text: e.g. ``412 West 110 #2, Manhattan, NY 10025`` or ``1261 Walden Legacy Way``.

    Returns:
        The address's parts, or None when it has no house number and street name.
    """
    text = _clean(text)[:160]
    if not _SHAPE.match(text) or _NOT_A_STREET.match(text) or _is_office(text):
        return None
    try:
        tags, kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        prop = parse_address(text)
        return prop if prop.street and len(prop.street.split()) >= 2 else None
    if kind != "Street Address" or "AddressNumber" not in tags or "StreetName" not in tags:
        return None
    if not any(k in tags for k in _ANCHORS):
        return None
    street = " ".join(tags[k] for k in _STREET_PARTS if k in tags).strip(" ,")
    unit = tags.get("OccupancyIdentifier") or tags.get("SubaddressIdentifier")
    state = (tags.get("StateName") or "").strip(" .,").upper()
    return Property(
        street=street,
        unit=unit.strip(" #,.").lstrip("#").strip() or None if unit else None,
        city=(tags.get("PlaceName") or "").strip(" ,") or None,
        state=state if len(state) == 2 else None,
        zip=(tags.get("ZipCode") or "").strip(" ,")[:10] or None,
    )


def is_listing_label(line: str) -> bool:
    """True for a line that opens the listing's block (``Listing:``, ``Property Address``)."""
    head, sep, _ = line.partition(":")
    return norm_label(head if sep else line) in _LABELS


def _labelled(value: str, at: int) -> Iterator[tuple[str, int]]:
    yield value, at
    named = _NAMED.search(value)  # "Lakeshore Terrace, 2750 N Lake Dr, ..."
    if named:
        yield value[named.start(1) :], at


def _candidates(lines: Sequence[str], subject: str) -> Iterator[tuple[str, int]]:
    for i, line in enumerate(lines):
        head, sep, rest = line.partition(":")
        if sep and norm_label(head) in _LABELS:
            value = rest.strip() or next((ln for ln in lines[i + 1 : i + 3] if ln), "")
            yield from _labelled(value, i)
        elif norm_label(line) in _LABELS:
            yield from _labelled(next((ln for ln in lines[i + 1 : i + 3] if ln), ""), i)
    for i, line in enumerate([subject, *lines]):
        if m := _PHRASE.search(line[:300]):
            yield m.group(1), i - 1
            if street := _IN_SENTENCE.match(m.group(1)):
                yield street.group(0), i - 1
    for i, line in enumerate(lines):
        if _SHAPE.match(line) and len(line) <= 160:
            yield line, i


def find_listing(lines: Sequence[str], subject: str = "") -> tuple[Property, bool]:
    """The listing address of an inquiry, from the lines before the footer and the subject.

    Args:
        lines: The email's content lines (footer already cut).
        subject: The subject, which often names the listing.

    Returns:
        The address (empty when none was found) and whether one was found.
    """
    found: list[Property] = []
    number = ""
    for seen, (text, at) in enumerate(_candidates(lines, subject)):
        if seen >= _MAX_CANDIDATES:
            break
        if number and not _clean(text).startswith(number):
            continue  # after the first address, only fuller forms of it are read
        prop = read_address(text)
        if prop is None:
            continue
        if not (prop.city or prop.state) and 0 <= at + 1 < len(lines):
            nxt = next((ln for ln in lines[at + 1 : at + 3] if ln and ln != text), "")
            if _CITY_LINE.match(nxt):
                prop = read_address(f"{_clean(text)}, {nxt}") or prop
        found.append(prop)
        number = (prop.street or "").split(" ")[0] + " "
    if not found:
        return Property(), False
    first = found[0]
    best = max(found, key=lambda p: sum(bool(v) for v in (p.city, p.state, p.zip)))
    return replace(best, unit=best.unit or first.unit), True
