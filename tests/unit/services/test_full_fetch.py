"""Mail too large to fetch whole: Gmail's ``format=full`` part tree (the fake's, shaped as
the discovery document says) rebuilt for the parser with its text and attachment names."""

from __future__ import annotations

import email.message
from typing import Any

import pytest

from infra.local.fake_google.parts import part_tree
from shared.gmail.full import MAX_PARTS, rebuild
from shared.parsing import parse_email
from tests.golden import golden_files
from tests.helpers import paystub_lead

FIELDS = ("is_lead", "source", "first_name", "last_name", "email", "phone", "property", "message")
MAX = 5 * 1024 * 1024


def _rebuilt(raw: bytes, max_text: int = MAX) -> bytes:
    return rebuild({"payload": part_tree(raw)}, max_text)


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_a_golden_email_reads_the_same_from_its_part_tree(path: Any) -> None:
    raw = path.read_bytes()
    whole, rebuilt = parse_email(raw).to_dict(), parse_email(_rebuilt(raw)).to_dict()
    assert {k: rebuilt[k] for k in FIELDS} == {k: whole[k] for k in FIELDS}


def test_a_six_megabyte_lead_is_read_and_its_attachment_named() -> None:
    raw = paystub_lead()
    tree = part_tree(raw)
    [text, pdf] = tree["parts"]
    assert "data" in text["body"] and "data" not in pdf["body"]
    assert pdf["body"]["attachmentId"].startswith("ANGjdJ") and pdf["body"]["size"] == 6_000_009
    small = _rebuilt(raw)
    assert len(small) < 5_000
    lead = parse_email(small).to_dict()
    assert (lead["is_lead"], lead["first_name"], lead["phone"]) == (True, "Priya", "+12175550143")
    assert lead["attachments"] == [
        {"name": "paystub.pdf", "type": "application/pdf", "bytes": 6_000_009}
    ]


def test_text_over_the_bound_is_cut_to_it() -> None:
    msg = email.message.EmailMessage()
    msg["From"], msg["Subject"] = "a@example.com", "long"
    msg.set_content("word " * 400_000)
    assert len(rebuild({"payload": part_tree(bytes(msg))}, 10_000)) < 20_000


def test_a_hostile_tree_is_bounded() -> None:
    deep: dict[str, Any] = {"mimeType": "text/plain", "body": {"data": "aGk"}}
    for _ in range(5_000):
        deep = {"mimeType": "multipart/mixed", "parts": [deep]}
    wide = {"mimeType": "multipart/mixed", "parts": [{"mimeType": "text/plain"}] * 50_000}
    assert len(rebuild({"payload": deep}, MAX)) < 10_000
    assert rebuild({"payload": wide}, MAX).count(b"Content-Type: text/plain") == MAX_PARTS
    odd = {"payload": {"mimeType": "text/plain", "headers": [{"name": "X\nY", "value": "1"}, 7]}}
    assert rebuild(odd, MAX).startswith(b"Content-Type: text/plain")
    assert rebuild({"payload": "nope"}, MAX) == b""
    bad = {"payload": {"mimeType": "text/plain", "body": {"data": "***"}}}
    assert b"attachment" in rebuild(bad, MAX)  # undecodable text: named, never read
