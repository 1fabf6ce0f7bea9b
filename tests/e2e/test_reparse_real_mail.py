"""Re-parse proves the parser fix: real-format lead mail that an earlier parser stored as
"not a lead" becomes leads after ``POST /leads/reparse {"all": true}`` on the local stack,
and a lead that needs review is listed, then cleared, through the API."""

from __future__ import annotations

import json

from infra.local.driver import Driver, wait_until
from shared.parsing import PARSER_VERSION
from tests.e2e.test_api_http import Frontend
from tests.golden import golden

MAILBOX = "e2e-reparse@example.com"
LABEL = "Processed lead"
# one email of each family the earlier parser did not know (it gave each "not a lead")
FILES = ("real-0010", "real-0000", "real-0003", "real-0001", "real-0014", "real-0042")


def test_reparse_all_turns_earlier_non_leads_into_leads(driver: Driver) -> None:
    d, f = driver, Frontend(driver)
    d.create_mailbox(MAILBOX, LABEL)
    ids = {d.deliver(MAILBOX, golden(n).read_bytes(), [LABEL], notify=False): n for n in FILES}
    assert "gmail=connected" in d.connect(MAILBOX).headers["Location"]
    ok = wait_until(lambda: len(d.records(MAILBOX, "outcome")) == len(FILES), 90)
    assert ok, (d.records(MAILBOX, "outcome"), f.call("GET", "/processing/history"))

    # as the earlier parser left them: records "not_lead" with their raw email, no leads
    db = d.db()
    for gmail_id in ids:
        rec = db.collection("messages").document(f"{MAILBOX}:{gmail_id}")
        lead_id = (rec.get().to_dict() or {}).get("lead_id")
        if lead_id:
            db.collection("leads").document(lead_id).delete()
        rec.update(
            {"outcome": "not_lead", "lead_id": None, "source": None, "parser_version": "2026.11.1"}
        )
    assert f.call("GET", "/leads?limit=100")["leads"] == []

    batch = f.call("POST", "/leads/reparse", json={"all": True})["batchId"]
    assert wait_until(lambda: f.batch_done(batch), 90)

    records = d.records(MAILBOX)
    for gmail_id, name in ids.items():
        want = json.loads(golden(name).with_suffix(".json").read_text())["source"]
        rec = records[gmail_id]
        assert rec["outcome"] in ("lead", "merged"), name
        assert (rec["source"], rec["parser_version"]) == (want, PARSER_VERSION), name
    leads = f.call("GET", "/leads?limit=100")["leads"]
    assert sorted(x["source"] for x in leads) == sorted(
        json.loads(golden(n).with_suffix(".json").read_text())["source"] for n in FILES
    )

    # the Avail notice is partial (no contact): it waits for review until someone clears it
    review = f.call("GET", "/leads?review=true")["leads"]
    assert [x["source"] for x in review] == ["avail"]
    assert set(review[0]["reviewReasons"]) == {"no_contact", "partial"}
    lead_path = f"/leads/{review[0]['id']}"
    cleared = f.call("PATCH", lead_path, "/leads/{leadId}", json={"reviewed": True})
    assert cleared["needsReview"] is False and cleared["reviewReasons"] == []
    assert f.call("GET", "/leads?review=true")["leads"] == []
    assert len(f.call("GET", "/leads?review=false&limit=100")["leads"]) == len(FILES)
