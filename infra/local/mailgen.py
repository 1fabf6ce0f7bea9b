"""Synthetic lead emails for the demo and benchmarks, in the four platforms' formats.

Each email comes with the renter it describes, so a run can check every lead it made.
Seeded: the same seed gives the same mail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Imani",
    "Jon",
    "Keisha",
    "Luis",
    "Mei",
    "Noah",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diaz",
    "Evans",
    "Foster",
    "Garcia",
    "Howard",
    "Ito",
    "Jones",
    "Kim",
    "Lopez",
    "Moore",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Reyes",
    "Singh",
    "Taylor",
    "Walker",
]
STREETS = ["Walnut St", "Spruce St", "Ridge Ave", "Germantown Ave", "S Broad St", "Market St"]
CITIES = [
    ("Philadelphia", "PA", "19104"),
    ("Camden", "NJ", "08102"),
    ("Upper Darby", "PA", "19082"),
]
SOURCES = ("zillow", "realtor", "apartments", "rentmarketplace")


@dataclass(frozen=True)
class Renter:
    """Who an email is from."""

    first: str
    last: str
    phone: str
    email: str


def renter(rng: random.Random) -> Renter:
    """A random renter with a unique-enough phone and email."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    area, exchange, line = (
        rng.choice(("215", "267", "610")),
        rng.randrange(200, 1000),
        rng.randrange(10_000),
    )
    phone = f"{area}{exchange}{line:04d}"
    return Renter(first, last, phone, f"{first}.{last}.{phone}@example.net".lower())


def _fmt(phone: str) -> str:
    return f"({phone[:3]}) {phone[3:6]}-{phone[6:]}"


def lead_email(
    source: str,
    who: Renter,
    rng: random.Random,
    to: str,
    when: datetime | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """One inquiry email from ``who`` through ``source`` (with a PDF ``attachment``, as a
    renter sending a pay stub would)."""
    city, state, zip_code = rng.choice(CITIES)
    street = f"{rng.randrange(100, 6000)} {rng.choice(STREETS)}"
    address = f"{street}, {city}, {state} {zip_code}"
    msg = EmailMessage()
    msg["To"] = to
    msg["Date"] = format_datetime(when or datetime.now(UTC) - timedelta(minutes=rng.randrange(600)))
    text = "Is this unit still available? I'd like to schedule a tour."
    if source == "zillow":
        relay = f"{rng.getrandbits(64):016x}@convo.zillow.com"
        msg["From"], msg["Reply-To"] = f'"{who.first} {who.last}" <{relay}>', relay
        msg["Subject"] = f"{who.first} is requesting information about {address}"
        rows = "".join(
            f"<tr><td><div>{k}</div><div>{v}</div></td></tr>"
            for k, v in (
                ("Move in", "2026-09-01"),
                ("Credit score", "660 to 719"),
                ("Income", "$5,200/mo"),
                ("Pets", "No"),
                ("Phone", _fmt(who.phone)),
            )
        )
        msg.set_content(
            f"<html><body><table><tr><td><div>New contact</div><div>{address}</div>"
            f"</td></tr><tr><td><div>{who.first} {who.last} says:</div><div>{text}"
            f"</div></td></tr><tr><td><table>{rows}</table></td></tr></table>"
            "</body></html>",
            subtype="html",
            cte="quoted-printable",
        )
    elif source == "realtor":
        msg["From"] = '"realtor.com" <leads@email.realtor.com>'
        msg["Subject"] = f"New realtor.com lead - {who.first} {who.last}"
        msg.set_content(
            f"You have a new lead from realtor.com!\n\nLead Information\nName: "
            f"{who.first} {who.last}\nEmail: {who.email}\nPhone: {_fmt(who.phone)}\n"
            f"Move-in date: 10/01/2026\nMessage: {text}\n\nProperty\n{address}\n",
            cte="quoted-printable",
        )
    elif source == "apartments":
        msg["From"] = '"Apartments.com" <leads@apartments.com>'
        msg["Subject"] = f"New Lead: {street} - Apartments.com"
        msg.set_content(
            f"Name: {who.first} {who.last}\nPhone: {_fmt(who.phone)}\nEmail: "
            f"{who.email}\nBeds: 2\nMove Date: 11/15/2026\nProperty Address: "
            f"{address}\nMessage: {text}\n",
            cte="quoted-printable",
        )
    else:
        msg["From"] = '"RentMarketplace" <rentmarketplace@leads.rent.com>'
        msg["Reply-To"] = who.email
        msg["Subject"] = f"{who.first} {who.last} is interested in {street}"
        msg.set_content(
            f"Hello, I'd like more information about {address}.\r\n\r\nFirst Name: "
            f"{who.first}\r\nLast Name: {who.last}\r\nEmail: {who.email}\r\nPhone: "
            f"{_fmt(who.phone)}\r\nMessage: {text}\r\n",
            cte="quoted-printable",
        )
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="pay.pdf")
    msg["Message-ID"] = make_msgid(domain="mailgen.local")
    return msg.as_bytes()


def stream(n: int, seed: int, to: str, repeat_share: float = 0.2) -> list[tuple[bytes, Renter]]:
    """``n`` lead emails; about ``repeat_share`` of them from a renter seen before."""
    rng = random.Random(seed)  # noqa: S311 - test data, not crypto
    seen: list[Renter] = []
    out = []
    for _ in range(n):
        who = rng.choice(seen) if seen and rng.random() < repeat_share else renter(rng)
        seen.append(who)
        out.append((lead_email(rng.choice(SOURCES), who, rng, to), who))
    return out
