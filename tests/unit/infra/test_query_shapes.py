"""The index check used by the integration tier: query shapes and index coverage."""

from __future__ import annotations

from datetime import UTC, datetime

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from shared.store.indexes import INDEXES
from tests.query_shapes import covered, shape_of

DB = firestore.Client(project="shapes", credentials=AnonymousCredentials())


def _eq(field: str, value: object) -> firestore.FieldFilter:
    return firestore.FieldFilter(field, "==", value)


def test_the_retry_sweep_query_is_served_and_fails_without_its_index() -> None:
    query = (
        DB.collection("retries")
        .where(filter=_eq("state", "pending"))
        .where(filter=firestore.FieldFilter("next_attempt_at", "<=", datetime.now(UTC)))
        .order_by("next_attempt_at")
    )
    shape = shape_of(query._to_protobuf())
    assert shape.equal == {"state"} and shape.ordered == (("next_attempt_at", "ASCENDING"),)
    assert covered(shape, INDEXES)
    assert not covered(shape, {k: v for k, v in INDEXES.items() if k != "retries_due"})


def test_equality_order_is_free_but_sort_direction_and_fields_are_not() -> None:
    leads = DB.collection("leads")
    both = leads.where(filter=_eq("source", "zillow")).where(filter=_eq("owner", "o@x.y"))
    desc = both.where(filter=_eq("status", "new")).order_by(
        "updated_at", direction=firestore.Query.DESCENDING
    )
    assert covered(shape_of(desc._to_protobuf()), INDEXES)
    wrong_sort = both.order_by("created_at", direction=firestore.Query.DESCENDING)
    assert not covered(shape_of(wrong_sort._to_protobuf()), INDEXES)
    unindexed = leads.where(filter=_eq("owner", "o@x.y")).where(filter=_eq("email", "a@b.c"))
    assert not covered(shape_of(unindexed._to_protobuf()), INDEXES)


def test_single_field_queries_need_no_composite_index() -> None:
    query = DB.collection("messages").where(filter=_eq("mailbox", "m")).order_by("mailbox")
    assert covered(shape_of(query._to_protobuf()), {})
