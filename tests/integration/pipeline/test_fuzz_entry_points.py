"""Hypothesis against the HTTP entry points: no 5xx, no traceback in logs, nothing published."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.pipeline.conftest import PUSH_SA, SCHED_SA, USER, Pipeline
from tests.integration.pipeline.test_entry_auth import client

TEXT = st.text(max_size=80)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _bodies() -> st.SearchStrategy[bytes]:
    envelope = st.builds(
        lambda data, extra: json.dumps(
            {"message": {"data": data, **extra}, "subscription": "s"}
        ).encode(),
        st.one_of(
            TEXT,
            st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),
            JSONISH.map(lambda v: base64.b64encode(json.dumps(v).encode()).decode()),
        ),
        st.dictionaries(TEXT, JSONISH, max_size=3),
    )
    hostile = st.sampled_from(["__a@b__", "a@b/c", ".", "..", "x" * 400 + "@b.c", "A@B.C"]).map(
        lambda address: json.dumps(
            {
                "message": {
                    "data": base64.b64encode(
                        json.dumps({"emailAddress": address, "historyId": 7}).encode()
                    ).decode()
                }
            }
        ).encode()
    )
    deep = st.integers(min_value=500, max_value=60_000).map(lambda n: b"[" * n + b"]" * n)
    return st.one_of(
        st.binary(max_size=300),
        JSONISH.map(lambda v: json.dumps(v).encode()),
        envelope,
        hostile,
        deep,
    )


def _headers() -> st.SearchStrategy[dict[str, str]]:
    token = st.one_of(
        TEXT,
        st.from_regex(
            r"[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{0,40}", fullmatch=True
        ),
    )
    auth = st.one_of(st.none(), token, token.map(lambda t: f"Bearer {t}"))
    return auth.map(
        lambda a: {} if a is None else {"Authorization": a.replace("\n", " ").replace("\r", " ")}
    )


@pytest.mark.parametrize("name", ["gmail_webhook", "retry_failed", "scheduled_tasks", "oauth"])
def test_entry_points_never_fail_on_arbitrary_input(
    pipeline: Pipeline, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    fn = client(name)
    good = {
        "gmail_webhook": pipeline.token("https://hooks.test/gmail", PUSH_SA),
        "retry_failed": pipeline.token("https://hooks.test/retry", SCHED_SA),
        "scheduled_tasks": pipeline.token("https://hooks.test/renew", SCHED_SA),
        "oauth": pipeline.token("fake-client", USER),
    }[name]
    statuses: list[int] = []

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        body=_bodies(),
        headers=_headers(),
        path=st.sampled_from(
            [
                "/",
                "/start",
                "/callback",
                "/callback?state=x&code=y",
                "/callback?state=__x__&code=y",
                "/callback?state=..&code=y",
                "/callback?state=a%2Fb&code=y",
            ]
        ),
        use_good=st.booleans(),
    )
    def run(body: bytes, headers: dict[str, str], path: str, use_good: bool) -> None:
        if use_good:
            headers = {"Authorization": f"Bearer {good}"}
        resp: Any = fn.post(path, data=body, headers=headers, content_type="application/json")
        if name == "oauth":
            resp = fn.get(path, headers=headers)
        statuses.append(resp.status_code)
        assert resp.status_code < 500, resp.get_data()[:200]

    with caplog.at_level(logging.WARNING):
        run()
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert pipeline.pull("TOPIC_SYNC") == [] and pipeline.pull("TOPIC_BATCHES") == []
    assert len(set(statuses)) >= 2
