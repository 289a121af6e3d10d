"""Survey answers on the mesh table (created from template.yaml), against moto: history and tally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talkworthy.catalog import EventMeta, FeedbackReceived, RecordRef
from talkworthy.customers.feedback import DynamoDbFeedbackStore

AT = datetime(2026, 11, 21, 10, 12, tzinfo=UTC)


def _answer(case: str, rating: int, *, at: datetime = AT, segment: str | None = "vip") -> FeedbackReceived:
    return FeedbackReceived(
        meta=EventMeta(
            event_key=f"survey:dynamodb:{case}",
            correlation_id="c",
            producer="talkworthy.ingress.survey",
            occurred_at=at,
        ),
        case=RecordRef(system="dynamodb", record_id=case),
        profile_id="prf_dana",
        rating=rating,
        channel="twitter",
        segment=segment,
        answered_at=at,
    )


def test_answers_join_the_profile_history_and_are_counted_once_per_channel_and_segment(mesh_table) -> None:  # type: ignore[no-untyped-def]
    store = DynamoDbFeedbackStore(mesh_table)
    assert store.record(_answer("case-1", 4))
    assert not store.record(_answer("case-1", 4))  # a redelivered Feedback.Received
    assert store.record(_answer("case-2", 2, at=AT + timedelta(days=40)))
    assert store.record(_answer("case-3", 5, at=AT + timedelta(days=50), segment=None))
    history = store.history("prf_dana")
    assert [f.case.record_id for f in history] == ["case-1", "case-2", "case-3"]
    vip = store.tally("twitter", "vip")
    assert (vip.answers, vip.rating_sum, vip.by_rating, vip.average) == (2, 6, {2: 1, 4: 1}, 3.0)
    assert store.tally("twitter", None).answers == 1
    assert store.tally("discourse", "vip").answers == 0
