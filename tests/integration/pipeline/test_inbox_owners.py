"""The inbox's reads and edits on the emulators, with two owners of the same renters: search,
counts, export, inquiry pages and bulk edits never reach the other owner's leads; a stale
``If-Match`` changes nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

from infra.local.mailgen import stream
from shared.services.mailbox.disconnect import disconnect
from shared.store import reviews
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture
from tests.integration.pipeline.test_ownership import PARTNER, _backfill


def _two_owners(p: Pipeline) -> list[str]:
    """USER's and PARTNER's leads of the same four renters; returns the renters' last names."""
    renters = [who for raw, who in stream(4, 77, p.mailbox, repeat_share=0.0) if p.deliver(raw)]
    p.connect()
    _backfill(p)
    account = p.deps.accounts.get(p.mailbox)
    assert account is not None
    disconnect(p.deps, account)
    p.connect(PARTNER)
    _backfill(p)
    return [r.last for r in renters]


def _ids(api: Any, p: Pipeline, who: str, query: str = "") -> list[str]:  # noqa: F811
    resp = api.get(f"/leads?limit=100{query}", headers=auth(p, who))
    assert resp.status_code == 200, resp.get_json()
    return [x["id"] for x in resp.get_json()["leads"]]


def test_every_inbox_read_and_edit_stays_with_its_owner(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    p = pipeline
    names = _two_owners(p)
    mine, theirs = _ids(api, p, USER), _ids(api, p, PARTNER)
    assert len(mine) == len(theirs) == 4 and set(mine).isdisjoint(theirs)
    for name in names:  # the same renter, found only among each owner's own leads
        found = _ids(api, p, PARTNER, f"&q={name[:3]}")
        assert found and set(found) <= set(theirs)
    for who, own in ((USER, mine), (PARTNER, theirs)):
        counts = api.get("/leads/counts", headers=auth(p, who)).get_json()
        assert counts["total"] == len(own) == sum(c["count"] for c in counts["byStatus"])
        exported = api.get("/leads/export", headers=auth(p, who))
        assert exported.status_code == 200 and exported.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
        assert [r["id"] for r in rows] == own
    bulk = api.patch(
        "/leads", json={"leadIds": mine[:2], "status": "closed"}, headers=auth(p, PARTNER)
    ).get_json()
    assert bulk == {"updated": [], "notFound": mine[:2], "preconditionFailed": []}
    assert _ids(api, p, USER, "&status=closed") == []
    other = auth(p, PARTNER)
    assert api.get(f"/leads/{mine[0]}/inquiries", headers=other).status_code == 404
    assert api.patch(f"/leads/{mine[0]}", json={"notes": "x"}, headers=other).status_code == 404
    assert api.get(f"/leads?cursor={mine[0]}", headers=other).status_code == 404


def test_a_stale_if_match_changes_nothing_and_reviewed_can_be_undone(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    p = pipeline
    [p.deliver(raw) for raw, _ in stream(2, 78, p.mailbox, repeat_share=0.0)]
    p.connect()
    _backfill(p)
    lead_id = _ids(api, p, USER)[0]
    first = api.get(f"/leads/{lead_id}", headers=auth(p, USER))
    tag = first.headers["ETag"]
    assert tag == first.get_json()["etag"]
    saved = api.patch(
        f"/leads/{lead_id}", json={"notes": "one"}, headers={**auth(p, USER), "If-Match": tag}
    )
    assert saved.status_code == 200 and saved.headers["ETag"] != tag
    stale = api.patch(
        f"/leads/{lead_id}",
        json={"status": "not_a_lead"},
        headers={**auth(p, USER), "If-Match": tag},
    )
    assert stale.status_code == 412 and stale.get_json()["error"]["code"] == "precondition_failed"
    after = api.get(f"/leads/{lead_id}", headers=auth(p, USER)).get_json()
    assert (after["notes"], after["status"]) == ("one", "new")  # and no email was corrected
    records = p.deps.lead_queries.inquiries(USER, lead_id, 10)
    assert all("correction" not in r for r in records)
    p.deps.lead_queries.update(  # one inquiry open for review, as reviews.py keeps it
        lead_id, reviews.state({"k": {"r": ["partial"], "t": 1}}, 1)
    )
    done = api.patch(f"/leads/{lead_id}", json={"reviewed": True}, headers=auth(p, USER))
    assert done.get_json()["needsReview"] is False
    undone = api.patch(f"/leads/{lead_id}", json={"reviewed": False}, headers=auth(p, USER))
    assert undone.get_json()["needsReview"] is True
    assert undone.get_json()["reviewReasons"] == ["partial"]


def test_weak_tags_never_match_and_bulk_edits_report_each_412(
    pipeline: Pipeline,
    api: Any,  # noqa: F811
) -> None:
    """``W/`` tags were accepted for ``If-Match``; a bulk edit had no tags. The tag is now
    checked in the transaction that writes the lead and corrects its emails."""
    p = pipeline
    [p.deliver(raw) for raw, _ in stream(2, 79, p.mailbox, repeat_share=0.0)]
    p.connect()
    _backfill(p)
    lead_id, other_id = _ids(api, p, USER)[:2]
    tag = api.get(f"/leads/{lead_id}", headers=auth(p, USER)).headers["ETag"]
    weak = api.patch(
        f"/leads/{lead_id}", json={"notes": "w"}, headers={**auth(p, USER), "If-Match": f"W/{tag}"}
    )
    assert weak.status_code == 412
    stale = api.patch(  # a tab that loaded the lead before another saved it
        f"/leads/{lead_id}", json={"notes": "other tab"}, headers=auth(p, USER)
    )
    assert stale.status_code == 200
    patched = api.patch(
        f"/leads/{lead_id}",
        json={"status": "not_a_lead"},
        headers={**auth(p, USER), "If-Match": tag},
    )
    assert patched.status_code == 412
    after = api.get(f"/leads/{lead_id}", headers=auth(p, USER)).get_json()
    assert (after["status"], after["notes"]) == ("new", "other tab")
    assert all("correction" not in r for r in p.deps.lead_queries.inquiries(USER, lead_id, 10))
    fresh = api.get(f"/leads/{other_id}", headers=auth(p, USER)).headers["ETag"]
    bulk = api.patch(
        "/leads",
        json={
            "leadIds": [lead_id, other_id],
            "status": "closed",
            "ifMatch": {lead_id: tag, other_id: fresh},
        },
        headers=auth(p, USER),
    ).get_json()
    assert bulk == {"updated": [other_id], "notFound": [], "preconditionFailed": [lead_id]}
    check = api.patch(  # tags alone: which leads changed since, nothing written
        "/leads",
        json={"leadIds": [lead_id, "nobody"], "ifMatch": {lead_id: tag}},
        headers=auth(p, USER),
    ).get_json()
    assert check == {"updated": [], "notFound": ["nobody"], "preconditionFailed": [lead_id]}
    alone = api.patch("/leads", json={"leadIds": [lead_id]}, headers=auth(p, USER))
    assert alone.status_code == 400
