"""The contact ledger on the mesh table (created from template.yaml), against moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from talkworthy.outreach.ledger import Entry, PressurePolicy
from talkworthy.outreach.ledger_dynamodb import DynamoDbContactLedger

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_entries_come_back_in_time_order_from_since_and_redeliveries_change_nothing(mesh_table) -> None:  # type: ignore[no-untyped-def]
    ledger = DynamoDbContactLedger(mesh_table)
    paris = timezone(timedelta(hours=1))
    entries = [
        Entry("prf_1", T0, "support", "crm", "case-1"),
        Entry("prf_1", (T0 + timedelta(days=1)).astimezone(paris), "transactional", "social_reply", "reply-1"),
        Entry("prf_1", T0 + timedelta(days=2), "survey", "email", "survey-1"),
        Entry("prf_2", T0, "outreach", "email", "other-person"),
    ]
    assert all(ledger.record(e) for e in entries)
    assert not ledger.record(entries[1])  # the same event again
    assert ledger.record_suppressed(Entry("prf_1", T0, "outreach", "email", "offer-1", "quiet_after_support:3d"))

    history = ledger.history("prf_1", T0 + timedelta(hours=1))
    assert [e.event_key for e in history] == ["reply-1", "survey-1"]  # suppressions are not contacts
    assert history[0].at == T0 + timedelta(days=1)
    everything = ledger.history("prf_1", T0 - PressurePolicy().horizon)
    assert [e.kind for e in everything] == ["support", "transactional", "survey"]
