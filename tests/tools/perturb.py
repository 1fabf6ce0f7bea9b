"""The parser measured on mail it was not shaped on: every golden email under documented
perturbations, and each source family left out of the registry.

usage: python -m tests.tools.perturb [--json]

A golden lead must stay a lead with its name, one contact and the listing street right
(``right``); a golden non-lead must stay a non-lead (named or ``unrecognised``). Perturbations
(each a function of the raw email, None when it does not apply):

- ``synonyms``: labels renamed to synonyms a site could use (``Phone:`` → ``Phone Number:``…)
- ``reordered``: every run of label rows in reverse order
- ``html_only`` / ``text_only``: one alternative of a ``multipart/alternative`` dropped
- ``marketing``: the site's marketing block added after the content
- ``quoted_reply``: an earlier exchange quoted below (``On … wrote:`` and ``>`` lines)
- ``forwarded``: the operator forwards it from their own mailbox (Gmail's plain form)
- ``phone_missing``: the phone row removed (a form whose field was left empty)

``make score-parse`` prints the table; ``tests/unit/parsing/test_perturbations.py`` holds each
figure to at least 95 %; ``CATALOGUE.md`` keeps the last figures.
"""

from __future__ import annotations

import argparse
import email
import email.message
import email.policy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.parsing import parse_email
from shared.parsing.sources import REGISTRY
from tests.golden import golden_files

Perturbation = Callable[[bytes], bytes | None]

_SYNONYMS = (
    (r"\bPhone Number:", "Phone:"),
    (r"\bPhone:", "Phone Number:"),
    (r"\bE-?mail:", "Email Address:"),
    (r"\bEmail Address:", "E-mail:"),
    (r"\bMove[- ]in(?: date)?:", "Desired Move-in Date:"),
    (r"\bMove Date:", "Move-in date:"),
    (r"\bComments?:", "Message:"),
    (r"\bMessage:", "Comments:"),
    (r"\bName:", "Full Name:"),
    (r"\bFull Name:", "Name:"),
)
_ROW = re.compile(r"^[A-Z][\w /&'-]{0,40}:[ \t]*\S.*$")
_PHONE_ROW = re.compile(
    r"^[ \t*]*(?:primary |cell |mobile |home )?(?:phone|telephone|tel)(?: number)?:.*$\n?",
    re.I | re.M,
)
MARKETING = (
    "Fill your vacancy faster: boost your listing to the top of search results and get more "
    "renters with a Premium plan."
)
QUOTED = (
    "On Mon, Jan 6, 2025 at 9:02 AM Kim Landlord <landlord.kim@example.net> wrote:\n"
    "> Thanks for reaching out, the unit is still available.\n> Kim\n"
)


def _message(raw: bytes) -> email.message.EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def _texts(msg: email.message.EmailMessage) -> list[email.message.MIMEPart]:
    return [p for p in msg.walk() if p.get_content_maintype() == "text" and not p.is_multipart()]


def _edit(raw: bytes, change: Callable[[str, str], str]) -> bytes | None:
    """Each text part rewritten by ``change(text, subtype)``; None when nothing changed."""
    try:
        msg = _message(raw)
        changed = False
        for part in _texts(msg):
            text = part.get_content()
            new = change(text, part.get_content_subtype())
            if new != text:
                part.set_content(new, subtype=part.get_content_subtype())
                changed = True
        return msg.as_bytes() if changed else None
    except (LookupError, ValueError, TypeError, AssertionError):
        return None  # a part the email package cannot re-encode: not this perturbation's


def synonyms(raw: bytes) -> bytes | None:
    """Labels renamed to a synonym (one direction per label)."""

    def change(text: str, _: str) -> str:
        for pattern, new in _SYNONYMS:
            if re.search(pattern, text):
                return re.sub(pattern, new, text)
        return text

    return _edit(raw, change)


def reordered(raw: bytes) -> bytes | None:
    """Every run of two or more ``Label: value`` rows of a plain part in reverse order."""

    def change(text: str, subtype: str) -> str:
        if subtype != "plain":
            return text
        lines, out, run = text.splitlines(), [], []
        for line in [*lines, ""]:
            if _ROW.match(line):
                run.append(line)
                continue
            out += run[::-1] if len(run) >= 2 else run
            run = []
            out.append(line)
        return "\n".join(out[:-1]) + ("\n" if text.endswith("\n") else "")

    return _edit(raw, change)


def _alternative(raw: bytes, keep: str) -> bytes | None:
    msg = _message(raw)
    for part in msg.walk():
        if part.get_content_type() != "multipart/alternative":
            continue
        kinds = [p.get_content_type() for p in part.iter_parts()]
        if {"text/plain", "text/html"} <= set(kinds):
            kept: list[Any] = [p for p in part.iter_parts() if p.get_content_type() == keep]
            part.set_payload(kept)
            return msg.as_bytes()
    return None


def html_only(raw: bytes) -> bytes | None:
    """The plain alternative dropped."""
    return _alternative(raw, "text/html")


def text_only(raw: bytes) -> bytes | None:
    """The HTML alternative dropped."""
    return _alternative(raw, "text/plain")


def marketing(raw: bytes) -> bytes | None:
    """The site's marketing paragraph after the content."""

    def change(text: str, subtype: str) -> str:
        if subtype == "html":
            at = text.lower().rfind("</body>")
            block = f"<p>{MARKETING}</p>"
            return text[:at] + block + text[at:] if at >= 0 else text + block
        return f"{text.rstrip()}\n\n{MARKETING}\n"

    return _edit(raw, change)


def quoted_reply(raw: bytes) -> bytes | None:
    """An earlier exchange quoted below the mail (plain parts only: a reply's HTML quotes
    differently)."""

    def change(text: str, subtype: str) -> str:
        return f"{text.rstrip()}\n\n{QUOTED}" if subtype == "plain" else text

    return _edit(raw, change)


def forwarded(raw: bytes) -> bytes | None:
    """Forwarded by the operator in Gmail's plain form (the original's plain text below)."""
    msg = _message(raw)
    plain = next((p for p in _texts(msg) if p.get_content_subtype() == "plain"), None)
    if plain is None or msg["Date"] is None:
        return None
    out = email.message.EmailMessage()
    out["From"], out["To"] = "Dana Operator <dana.operator@example.com>", str(msg["To"] or "")
    out["Subject"], out["Date"] = f"Fwd: {msg['Subject']}", str(msg["Date"])
    head = (
        f"---------- Forwarded message ---------\nFrom: {msg['From']}\n"
        f"Date: {msg['Date']}\nSubject: {msg['Subject']}\nTo: {msg['To']}\n"
    )
    out.set_content(f"FYI\n\n{head}\n{plain.get_content()}")
    return out.as_bytes()


def phone_missing(raw: bytes) -> bytes | None:
    """The phone row removed from every text part."""
    return _edit(raw, lambda text, _: _PHONE_ROW.sub("", text))


PERTURBATIONS: dict[str, Perturbation] = {
    "synonyms": synonyms,
    "reordered": reordered,
    "html_only": html_only,
    "text_only": text_only,
    "marketing": marketing,
    "quoted_reply": quoted_reply,
    "forwarded": forwarded,
    "phone_missing": phone_missing,
}


def _digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())[-10:]


def _fold(value: str | None) -> str:
    return (value or "").casefold().replace(".", "").strip()


def right(
    expected: dict[str, Any], got: dict[str, Any], *, phone: bool = True, gone: str = ""
) -> bool:
    """A lead still a lead with its name, one contact and its listing street right.

    Args:
        expected: The golden record.
        got: The parser's record of the perturbed email.
        phone: False when the perturbation removed the phone.
        gone: An address the perturbation removed (a forward drops the Reply-To header).
    """
    if not got["is_lead"]:
        return False
    name = all(_fold(got[k]) == _fold(expected[k]) for k in ("first_name", "last_name"))
    keys = ("email", "reply_to", "phone") if phone else ("email", "reply_to")
    wanted = [k for k in keys if expected[k] and not (gone and _fold(expected[k]) == _fold(gone))]
    contact = not wanted or any(
        (
            _digits(got[k]) == _digits(expected[k])
            if k == "phone"
            else _fold(got[k]) == _fold(expected[k])
        )
        for k in wanted
        if got[k]
    )
    street = _fold(got["property"]["street"]) == _fold(expected["property"]["street"])
    return name and contact and street


@dataclass
class Figure:
    """One row of the table: how many emails the measure applied to, and kept right."""

    name: str
    leads: int = 0
    leads_right: int = 0
    leads_kept: int = 0  # still leads, whatever their fields
    non_leads: int = 0
    non_leads_kept: int = 0

    @property
    def share(self) -> float:
        """Right leads and kept non-leads over every email measured (1.0 when none)."""
        total = self.leads + self.non_leads
        return (self.leads_right + self.non_leads_kept) / total if total else 1.0


def _case(path: Path) -> tuple[dict[str, Any], bytes]:
    return json.loads(path.with_suffix(".json").read_text()), path.read_bytes()


def _reply_to(raw: bytes) -> str:
    header = _message(raw)["Reply-To"]
    return str(header.addresses[0].addr_spec) if header and header.addresses else ""


def perturbation_figures(paths: list[Path] | None = None) -> list[Figure]:
    """One figure per perturbation over the golden files it applies to."""
    cases = [_case(p) for p in (paths or golden_files())]
    figures = []
    for name, perturb in PERTURBATIONS.items():
        figure = Figure(name)
        for expected, raw in cases:
            changed = perturb(raw)
            if changed is None:
                continue
            got = parse_email(changed).to_dict()
            if expected["is_lead"]:
                figure.leads += 1
                figure.leads_kept += got["is_lead"]
                gone = _reply_to(raw) if name == "forwarded" else ""
                figure.leads_right += right(expected, got, phone=name != "phone_missing", gone=gone)
            else:
                figure.non_leads += 1
                figure.non_leads_kept += not got["is_lead"]
        figures.append(figure)
    return figures


def family_figures() -> list[Figure]:
    """Each family left out of the registry: its leads still leads, read right."""
    figures = []
    for family in (p.name for p in REGISTRY):
        figure = Figure(family)
        for expected, raw in (_case(p) for p in golden_files(source=family)):
            got = parse_email(raw, withheld=frozenset({family})).to_dict()
            figure.leads += 1
            figure.leads_kept += got["is_lead"]
            figure.leads_right += right(expected, got)
        others = golden_files(source="not-a-lead")
        for _, raw in (_case(p) for p in others):
            figure.non_leads += 1
            figure.non_leads_kept += not parse_email(raw, withheld=frozenset({family})).is_lead
        figures.append(figure)
    return figures


def table(title: str, figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    rows = [
        f"| {title} | still leads | leads right | non-leads kept | share |",
        "|---|---|---|---|---|",
        *(
            f"| `{f.name}` | {f.leads_kept} / {f.leads} | {f.leads_right} / {f.leads} "
            f"| {f.non_leads_kept} / {f.non_leads} | {f.share:.3f} |"
            for f in figures
        ),
        f"| all | {sum(f.leads_kept for f in figures)} / {sum(f.leads for f in figures)} "
        f"| {sum(f.leads_right for f in figures)} / {sum(f.leads for f in figures)} "
        f"| {sum(f.non_leads_kept for f in figures)} / {sum(f.non_leads for f in figures)} | |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Print both tables (or JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    perturbed, families = perturbation_figures(), family_figures()
    if args.json:
        print(
            json.dumps(
                {
                    "perturbations": [vars(f) for f in perturbed],
                    "families": [vars(f) for f in families],
                }
            )
        )
        return 0
    print(table("perturbation", perturbed))
    print()
    print(table("family left out", families))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
