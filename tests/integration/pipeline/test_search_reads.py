"""``GET /leads?q=`` reads what it returns: the word-prefix index is queried with the list's
status, source and review filters, and one page reads at most ``SEARCH_SCAN`` leads
(counted as Firestore bills them) over 1,500 leads that all match a one-letter word."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.clock import utcnow
from shared.store.lead_pages import SEARCH_SCAN
from shared.store.search_keys import search_fields
from tests.firestore_ops import counting
from tests.integration.pipeline.conftest import USER, Pipeline
from tests.integration.pipeline.test_api import api, auth  # noqa: F401 - the fixture

LEADS = 1_500
OVERHEAD = 10  # the caller's account and mailboxes, read by every route


def _seed(p: Pipeline) -> None:
    """1,500 leads named Anna…: every one has the key ``a``; one is from realtor, one in
    Springfield, none in review."""
    now = utcnow()
    writer = p.deps.db.bulk_writer()
    for n in range(LEADS):
        lead: dict[str, Any] = {
            "owner": USER,
            "status": "new",
            "first_name": f"Anna{n}",
            "last_name": "Lee",
            "source": "realtor" if n == 700 else "zillow",
            "needs_review": False,
            "mailboxes": [p.mailbox],
            "property": {"street": f"{n} Oak St", "city": "Springfield" if n == 900 else "Dover"},
            "updated_at": now - timedelta(seconds=n),
            "last_inquiry_at": now,
            "created_at": now,
        }
        writer.set(
            p.deps.db.collection("leads").document(f"lead{n:04d}"), lead | search_fields(lead)
        )
    writer.close()


def _search(api: Any, p: Pipeline, query: str) -> tuple[list[str], bool, int]:  # noqa: F811
    with counting() as ops:
        resp = api.get(f"/leads?limit=50&{query}", headers=auth(p))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    return [x["id"] for x in body["leads"]], body["nextCursor"] is not None, ops.reads


def test_a_one_letter_search_reads_at_most_its_bound(pipeline: Pipeline, api: Any) -> None:  # noqa: F811
    p = pipeline
    p.connect()
    _seed(p)
    found, more, reads = _search(api, p, "q=a&source=realtor")
    print(f"q=a&source=realtor: {reads} reads")
    assert (found, more) == (["lead0700"], False)
    assert reads <= 1 + OVERHEAD  # the filter is in the index query: it read one lead
    found, more, reads = _search(api, p, "q=a&review=true")
    assert (found, more) == ([], False) and reads <= 1 + OVERHEAD
    found, more, reads = _search(api, p, "q=a")
    print(f"q=a: {len(found)} found, {reads} reads, more={more}")
    assert len(found) == 50 and more and reads <= 50 + OVERHEAD
    found, more, reads = _search(api, p, "q=springf")
    assert (found, more) == (["lead0900"], False) and reads <= 1 + OVERHEAD  # the city
    found, more, reads = _search(api, p, "q=a%20lee%20zz")  # a word no lead has
    print(f"q=a lee zz: {reads} reads")
    assert (found, more) == ([], True)  # a short page: the cursor reads on
    assert reads <= SEARCH_SCAN + 1 + OVERHEAD
