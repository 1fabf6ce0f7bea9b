"""A frontend's day, through the Python client generated from ``/openapi.json`` only: connect,
list with every filter and order, search, counts, stale edits, bulk edits, inquiries beyond
the first page, CSV export, a batch's progress, and a revoked mailbox. Every answer (errors
included) validates against the served document."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from infra.local.driver import Driver, wait_until
from infra.local.functions_stack import DEMO_USER
from infra.local.mailgen import Renter, lead_email, renter
from tests.e2e.generated import Conformance, client, load
from tests.golden import golden

MAILBOX = "frontdesk@example.com"
LABEL = "Processed lead"
LAST = Renter("Quillon", "Zylstra", "2155550199", "quillon.z@example.net")  # last by name
FREQUENT = Renter("Ines", "Okafor", "2675550123", "ines.okafor@example.net")
FREQUENT_EMAILS = 105  # more inquiries than a lead's page shows (100)
DOUBTFUL = golden("world-craigslist-relay")
LEADS = 15  # 13 renters, the frequent one, the doubtful one


def api(name: str) -> Any:
    """One operation module of the generated client (``leads.list_leads``)."""
    return load(f"api.{name}")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:300])
    return response.parsed


@pytest.fixture(scope="module")
def world(driver: Driver) -> tuple[Driver, Any, Conformance]:
    """A mailbox with 15 renters (one with 105 emails, one needing review), connected
    through the generated client, every email processed."""
    driver.create_mailbox(MAILBOX, LABEL)
    rng = random.Random(31)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    renters = [LAST, *(renter(rng) for _ in range(12))]
    sources = ("zillow", "realtor", "apartments", "rentmarketplace")
    mail = [
        lead_email(sources[n % 4], r, rng, MAILBOX, start + timedelta(hours=n))
        for n, r in enumerate(renters)
    ]
    mail += [
        lead_email("zillow", FREQUENT, rng, MAILBOX, start + timedelta(days=2, minutes=n))
        for n in range(FREQUENT_EMAILS)
    ]
    mail.append(DOUBTFUL.read_bytes())  # a site without a parser: a lead that needs review
    for raw in mail:
        driver.deliver(MAILBOX, raw, [LABEL], notify=False)
    response = requests.get(f"{driver.fns.url('api')}/openapi.json", timeout=30)
    conformance = Conformance(response.json())
    c = client(driver.fns.url("api"), driver.mint("fake-client", DEMO_USER), conformance)
    back = driver.consent(MAILBOX)
    pending = parse_qs(back.partition("?")[2])["pending"][0]
    connected = ok(api("gmail.confirm_route").sync_detailed(pending, client=c))
    assert connected.connected is True and connected.mailbox == MAILBOX
    wait_until(lambda: sum(driver.outcomes(MAILBOX).values()) >= len(mail), 240)
    return driver, c, conformance


def everything(c: Any, **query: Any) -> list[Any]:
    """Every lead of a listing, page by page (5 a page)."""
    out, cursor = [], load("types").UNSET
    while True:
        page = ok(api("leads.list_leads").sync_detailed(client=c, limit=5, cursor=cursor, **query))
        out += page.leads
        if not page.next_cursor:
            return out
        cursor = page.next_cursor


def test_lists_with_each_filter_and_order(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    models = load("models")
    full = everything(c)
    assert len(full) == LEADS and len({lead.id for lead in full}) == LEADS
    for sort in models.LeadSort:
        ordered = everything(c, sort=sort)
        assert sorted(lead.id for lead in ordered) == sorted(lead.id for lead in full), sort
    by_name = [(lead.last_name or "").lower() for lead in everything(c, sort=models.LeadSort.NAME)]
    assert by_name == sorted(by_name) and by_name[-1] == "zylstra"
    newest = [lead.last_inquiry_at for lead in everything(c, sort=models.LeadSort.LASTINQUIRY)]
    assert newest == sorted(newest, reverse=True)
    for source in {lead.source for lead in full}:
        picked = everything(c, source=source)
        assert {lead.id for lead in picked} == {lead.id for lead in full if lead.source == source}
    flagged = everything(c, review=True)
    assert {lead.id for lead in flagged} == {lead.id for lead in full if lead.needs_review}
    assert everything(c, mailbox=MAILBOX) == full
    assert everything(c, status=models.LeadStatus.CLOSED) == []
    since = max(lead.updated_at for lead in full)
    changed = everything(c, updated_since=since)
    assert [lead.id for lead in changed] == [lead.id for lead in full if lead.updated_at >= since]


def test_search_finds_a_lead_on_the_last_page(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    by_name = everything(c, sort=load("models").LeadSort.NAME)
    last = by_name[-1]
    assert last.last_name == "Zylstra"  # the last page of the name order
    email = last.email[:12] if isinstance(last.email, str) else "quillon"
    for q in ("zyl", "Quillon", email, "215-555-0199", "0199"):
        page = ok(api("leads.list_leads").sync_detailed(client=c, q=q, limit=5))
        assert [lead.last_name for lead in page.leads] == ["Zylstra"], q
    nothing = ok(api("leads.list_leads").sync_detailed(client=c, q="nobodyzz", limit=5))
    assert nothing.leads == [] and nothing.next_cursor is None


def test_counts_equal_a_full_listing(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    counts = ok(api("leads.lead_counts").sync_detailed(client=c))
    full = everything(c)
    assert counts.total == len(full)
    by_status = {s.status: s.count for s in counts.by_status}
    assert by_status == {s: n for s, n in Counter(lead.status for lead in full).items()} | {
        s: 0 for s in by_status if s not in {lead.status for lead in full}
    }
    assert {s.source: s.count for s in counts.by_source if s.count} == Counter(
        lead.source for lead in full
    )
    assert counts.needs_review == sum(1 for lead in full if lead.needs_review)
    assert [(m.mailbox, m.count) for m in counts.by_mailbox] == [(MAILBOX, len(full))]


def test_a_stale_etag_changes_nothing(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    models = load("models")
    lead_id = everything(c)[0].id
    response = api("leads.get_lead").sync_detailed(lead_id, client=c)
    first = ok(response)
    assert response.headers["etag"] == first.etag
    patch = api("leads.patch_lead")
    saved = ok(
        patch.sync_detailed(
            lead_id, client=c, body=models.LeadPatch(notes="tab one"), if_match=first.etag
        )
    )
    assert saved.notes == "tab one" and saved.etag != first.etag
    stale = patch.sync_detailed(
        lead_id, client=c, body=models.LeadPatch(notes="tab two"), if_match=first.etag
    )
    assert stale.status_code == 412 and stale.parsed.error.code == "precondition_failed"
    assert ok(api("leads.get_lead").sync_detailed(lead_id, client=c)).notes == "tab one"


def test_bulk_update_and_undo_reviewed(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    models = load("models")
    ids = [lead.id for lead in everything(c)[:3]]
    body = models.BulkLeadPatch(
        lead_ids=[*ids, "not-a-lead-of-mine"], status=models.LeadStatus.CONTACTED
    )
    done = ok(api("leads.bulk_update").sync_detailed(client=c, body=body))
    assert sorted(done.updated) == sorted(ids) and done.not_found == ["not-a-lead-of-mine"]
    contacted = everything(c, status=models.LeadStatus.CONTACTED)
    assert sorted(lead.id for lead in contacted) == sorted(ids)
    flagged = everything(c, review=True)
    assert flagged  # reviewed, then undone: the same reasons come back
    for one in flagged[:1]:
        cleared = models.BulkLeadPatch(lead_ids=[one.id], reviewed=True)
        ok(api("leads.bulk_update").sync_detailed(client=c, body=cleared))
        assert one.id not in {lead.id for lead in everything(c, review=True)}
        undo = ok(
            api("leads.patch_lead").sync_detailed(
                one.id, client=c, body=models.LeadPatch(reviewed=False)
            )
        )
        assert undo.needs_review and undo.review_reasons == one.review_reasons


def test_inquiries_page_beyond_the_first_hundred(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    found = ok(api("leads.list_leads").sync_detailed(client=c, q="Ines Okafor"))
    lead = ok(api("leads.get_lead").sync_detailed(found.leads[0].id, client=c))
    assert lead.inquiry_count == FREQUENT_EMAILS and len(lead.inquiries) == 100
    assert lead.inquiries_next_cursor
    seen, cursor = [], load("types").UNSET
    while True:
        page = ok(
            api("leads.lead_inquiries").sync_detailed(lead.id, client=c, limit=40, cursor=cursor)
        )
        seen += [i.message_id for i in page.inquiries]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == FREQUENT_EMAILS
    assert seen[:100] == [i.message_id for i in lead.inquiries]


def test_csv_export_equals_the_listing(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    response = api("leads.export_leads").sync_detailed(client=c)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    full = everything(c)
    assert [r["id"] for r in rows] == [lead.id for lead in full]
    for row, lead in zip(rows, full, strict=True):
        data = lead.to_dict()
        assert row["firstName"] == (data["firstName"] or "") and row["email"] == (
            data["email"] or ""
        )
        street = (data["property"] or {}).get("street") or ""
        assert row["status"] == data["status"] and row["property.street"] == street
        assert row["inquiryCount"] == str(data["inquiryCount"])


def test_process_batch_and_history_progress(world: tuple[Driver, Any, Conformance]) -> None:
    _, c, _ = world
    models = load("models")
    queued = ok(
        api("gmail.process_batch").sync_detailed(client=c, body=models.BatchByQuery(limit=5)), 202
    )

    def finished() -> bool:
        page = ok(api("processing.history").sync_detailed(client=c, limit=5))
        mine = [b for b in page.batches if b.batch_id == queued.batch_id]
        return bool(mine) and mine[0].status in (models.BatchState.COMPLETED,)

    wait_until(finished, 120)
    page = ok(api("processing.history").sync_detailed(client=c, limit=5))
    batch = next(b for b in page.batches if b.batch_id == queued.batch_id)
    assert (batch.total, batch.processed, batch.progress, batch.percent_complete) == (
        5,
        5,
        "5/5",
        100.0,
    )
    assert batch.started_at <= batch.completed_at and batch.created_at <= batch.started_at
    active = ok(api("processing.history").sync_detailed(client=c, active=True))
    assert queued.batch_id not in {b.batch_id for b in active.batches}
    status = ok(api("processing.batch_status").sync_detailed(queued.batch_id, client=c))
    assert status.status == models.BatchState.COMPLETED and status.retry == []


def test_errors_are_documented_and_validated(world: tuple[Driver, Any, Conformance]) -> None:
    driver, c, conformance = world
    raw = c.get_httpx_client()
    unknown = raw.get("/leads", params={"bogus": "1"})
    assert unknown.status_code == 400 and unknown.json()["error"]["details"]["fields"] == {
        "bogus": unknown.json()["error"]["details"]["fields"]["bogus"]
    }
    assert raw.get("/leads/nobody-here").status_code == 404
    driver.faults(rate_500=1.0, fail_methods=["labels.list"])
    try:
        busy = api("gmail.labels").sync_detailed(client=c)
    finally:
        driver.faults(rate_500=0.0, fail_methods=[])
    assert busy.status_code == 503 and busy.parsed.error.code == "gmail_unavailable"
    statuses = {status for _, _, status in conformance.seen}
    assert {200, 202, 400, 404, 412, 503} <= statuses, statuses


def test_a_revoked_mailbox_says_so_at_the_first_failing_call(
    world: tuple[Driver, Any, Conformance],
) -> None:
    driver, c, _ = world
    requests.post(f"{driver.fake}/_fake/revoke-all", json={"address": MAILBOX}, timeout=10)
    failed = api("gmail.labels").sync_detailed(client=c)
    assert failed.status_code == 409 and failed.parsed.error.code == "needs_reauth"
    status = ok(api("gmail.gmail_status").sync_detailed(client=c))
    assert status.state == load("models").AccountState.NEEDS_REAUTH
    assert status.health != "ok" and "needs_reauth" in status.reasons
