"""Two owners on the local stack, one renter writing to both: every lead belongs to one owner,
nothing of one owner can be found, read, paged to or inferred by the other, and an owner with
two mailboxes sees both (and one lead for a renter who wrote to both)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER, Functions
from infra.local.mailgen import stream
from infra.local.stack import ROOT, local_stack
from tests.e2e.generated import served

OWNER_B = "partner@example.com"
LABEL = "Processed lead"
A1, A2, B1 = "a-one@example.com", "a-two@example.com", "b-one@example.com"


@pytest.fixture(scope="module")
def tenants() -> Iterator[Driver]:
    env = {"ALLOWED_USERS": f"{DEMO_USER},{OWNER_B}"}
    with local_stack(ROOT / "build" / "logs" / "e2e-tenants") as stack:
        yield Driver(Functions(stack, extra_env=env).start())


def api(d: Driver, user: str, path: str) -> requests.Response:
    """A GET of ``user``'s, its answer checked against the served document."""
    token = d.mint("fake-client", user)
    hooks = {"response": served(d.fns.url("api")).check_requests}
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{d.fns.url('api')}{path}", headers=headers, timeout=30, hooks=hooks)


def leads_of(d: Driver, user: str, query: str = "") -> list[dict[str, Any]]:
    resp = api(d, user, f"/leads?limit=100{query}")
    assert resp.status_code == 200, resp.text
    return list(resp.json()["leads"])


def test_one_renter_writing_to_two_owners_gives_each_its_own_lead(tenants: Driver) -> None:
    d = tenants
    ((raw_a1, renter),) = stream(1, 77, A1, repeat_share=0.0)
    ((raw_a2, _),) = stream(1, 77, A2, repeat_share=0.0)  # the same renter, to A's other mailbox
    ((raw_b1, _),) = stream(1, 77, B1, repeat_share=0.0)  # and to owner B
    for mailbox, raw in ((A1, raw_a1), (A2, raw_a2), (B1, raw_b1)):
        d.create_mailbox(mailbox, LABEL)
        d.deliver(mailbox, raw, [LABEL], notify=False)
    for mailbox, user in ((A1, DEMO_USER), (A2, DEMO_USER), (B1, OWNER_B)):
        assert "gmail=connected" in d.connect(mailbox, user=user).headers["Location"]
    assert wait_until(lambda: all(sum(d.outcomes(m).values()) == 1 for m in (A1, A2, B1)), 90)

    a_leads, b_leads = leads_of(d, DEMO_USER), leads_of(d, OWNER_B)
    name = [renter.first, renter.last]
    assert [[x["firstName"], x["lastName"]] for x in a_leads] == [name]
    assert [[x["firstName"], x["lastName"]] for x in b_leads] == [name]
    a_lead = api(d, DEMO_USER, f"/leads/{a_leads[0]['id']}").json()
    b_lead = api(d, OWNER_B, f"/leads/{b_leads[0]['id']}").json()
    assert sorted(i["mailbox"] for i in a_lead["inquiries"]) == [A1, A2]  # merged within A
    assert [i["mailbox"] for i in b_lead["inquiries"]] == [B1]  # only B's own inquiry
    assert d.outcomes(B1) == {"lead": 1}  # never "merged" into A's lead

    a_id = a_leads[0]["id"]
    assert api(d, OWNER_B, f"/leads/{a_id}").status_code == 404  # cannot read
    assert api(d, OWNER_B, f"/leads?cursor={a_id}").status_code == 404  # nor page to, nor infer
    assert api(d, OWNER_B, f"/leads/{b_leads[0]['id']}x").status_code == 404
    digits = "".join(c for c in renter.phone if c.isdigit())
    assert a_id != b_leads[0]["id"] and digits not in a_id

    boxes = api(d, DEMO_USER, "/gmail/mailboxes").json()["mailboxes"]
    assert [m["mailbox"] for m in boxes] == [A1, A2]  # a user with two mailboxes sees both
    assert [m["mailbox"] for m in api(d, OWNER_B, "/gmail/mailboxes").json()["mailboxes"]] == [B1]
    several = api(d, DEMO_USER, "/gmail/status")
    assert several.status_code == 400 and several.json()["error"]["details"]["fields"] == {
        "mailbox": f"one of {A1}, {A2}"
    }
    assert api(d, DEMO_USER, f"/gmail/status?mailbox={A2}").json()["mailbox"] == A2
    assert api(d, OWNER_B, f"/gmail/status?mailbox={A1}").status_code == 404
    assert [x["id"] for x in leads_of(d, DEMO_USER, f"&mailbox={A2}")] == [a_id]
    assert leads_of(d, OWNER_B, f"&mailbox={A1}") == []
    history = api(d, OWNER_B, f"/processing/history?mailbox={A1}")
    assert history.status_code == 404
