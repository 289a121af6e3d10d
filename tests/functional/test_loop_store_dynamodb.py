"""Origins and closures on the mesh table (created from template.yaml), against moto."""

from __future__ import annotations

from datetime import UTC, datetime

from talkworthy.catalog import CaseOrigin, RecordRef
from talkworthy.loop.store import OriginRecord
from talkworthy.loop.store_dynamodb import DynamoDbLoopStore

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
CASE = RecordRef(system="dynamodb", record_id="case-5f2e")
ZENDESK = RecordRef(system="zendesk", record_id="35436")
RECORD = OriginRecord(
    case=CASE,
    origin=CaseOrigin(platform="twitter", post_id="1858", handle="danawhit", known_as=[ZENDESK]),
    profile_id="prf_dana",
    correlation_id="req-1",
)


def test_an_origin_is_found_under_the_case_and_every_record_it_is_known_as(mesh_table) -> None:  # type: ignore[no-untyped-def]
    store = DynamoDbLoopStore(mesh_table)
    store.record_origin(RECORD)
    store.record_origin(RECORD)  # a redelivered Case.Opened rewrites the same items
    assert store.find_origin([ZENDESK]) == RECORD
    assert store.find_origin([RecordRef(system="intercom", record_id="1"), CASE]) == RECORD
    assert store.find_origin([RecordRef(system="intercom", record_id="1")]) is None


def test_the_first_claim_wins_and_a_later_one_is_handed_the_winner(mesh_table) -> None:  # type: ignore[no-untyped-def]
    store = DynamoDbLoopStore(mesh_table)
    first = store.claim(CASE, "zendesk:evt-1", ZENDESK, AT)
    second = store.claim(CASE, "dynamodb:resolve-1", CASE, AT)
    assert first.event_key == second.event_key == "zendesk:evt-1"
    assert second.ticket == ZENDESK
    store.told(CASE, '{"told": true}', "survey:dynamodb:case-5f2e")
    again = store.claim(CASE, "zendesk:evt-1", ZENDESK, AT)
    assert (again.loop_closed, again.survey) == ('{"told": true}', "survey:dynamodb:case-5f2e")
    store.survey_done(CASE)
    assert store.claim(CASE, "x", CASE, AT).survey is None
