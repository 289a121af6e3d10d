"""The community context's surge path: counts per topic in sets, buckets evaluated once, Surge.* events."""

from __future__ import annotations

from datetime import UTC, datetime

from talkworthy.catalog import Detail, EventMeta, MentionEnriched, SurgeDetected, SurgeResolved, SurgeUpdated
from talkworthy.community.memory import InMemorySurgeStore
from talkworthy.community.surge import SurgeConfig
from talkworthy.usecases.surges import SurgeSettings, count_mention
from tests.unit.usecases.mention_builders import enriched

BUCKET = 60
SETTINGS = SurgeSettings(bucket_seconds=BUCKET, grace_seconds=5, detector=SurgeConfig(min_count=10))
START = 1_800_000_000 // BUCKET * BUCKET


def _mention(n: int, at: float, intent: str = "complaint", sentiment: float = -0.6) -> MentionEnriched:
    base = enriched(intent=intent, tier="standard", sentiment=sentiment, key=f"standard:msg_{n}")
    meta = EventMeta(
        event_key=f"standard:msg_{n}",
        correlation_id=f"req-{n}",
        producer="talkworthy.enrich",
        occurred_at=datetime.fromtimestamp(at, UTC),
        tenant="acme",
    )
    return base.model_copy(update={"meta": meta})


def _stream(per_bucket: list[int], store: InMemorySurgeStore, redeliver: bool = False) -> list[Detail]:
    """Each bucket's mentions spread over it, in batches of five, the store flushed after each batch."""
    events: list[Detail] = []
    n = 0
    for index, count in enumerate(per_bucket):
        for i in range(count):
            at = START + index * BUCKET + (i + 0.5) * BUCKET / max(count, 1)
            mention = _mention(n, at)
            events += count_mention(mention, store, SETTINGS)
            if redeliver:  # SQS delivers it again: nothing more is counted
                events += count_mention(mention, store, SETTINGS)
            n += 1
            if n % 5 == 0:
                store.flush()
        store.flush()
    return events


QUIET, SPIKE = [2] * 12, [40, 45, 30]


def test_a_burst_opens_one_surge_updated_per_bucket_and_resolved_after_the_quiet_period() -> None:
    store = InMemorySurgeStore()
    events = _stream([*QUIET, *SPIKE, *[2] * 5, 1], store)
    kinds = [e.DETAIL_TYPE for e in events]
    assert kinds == ["Surge.Detected", "Surge.Updated", "Surge.Updated", "Surge.Updated", "Surge.Resolved"]
    detected = events[0]
    assert isinstance(detected, SurgeDetected)
    assert detected.topic == "acme/complaint"
    assert detected.subject == "complaints"
    assert detected.trend == [40, 45]
    assert detected.total == 85
    assert detected.sentiment.negative == 85
    assert detected.evidence.basis == "recent"
    assert detected.evidence.expected == 2.0
    assert detected.evidence.tail_probability < 1e-5
    assert detected.opened_at == datetime.fromtimestamp(START + 12 * BUCKET, UTC)
    resolved = events[-1]
    assert isinstance(resolved, SurgeResolved)
    assert resolved.surge_id == detected.surge_id
    assert resolved.trend[:3] == [40, 45, 30]
    assert resolved.peak == 45
    assert len({e.meta.event_key for e in events}) == len(events)  # keys are per surge, kind and bucket
    assert store.open == set()


def test_a_redelivered_mention_is_counted_once() -> None:
    once, twice = InMemorySurgeStore(), InMemorySurgeStore()
    first = _stream([*QUIET, *SPIKE, 2, 2], once)
    second = _stream([*QUIET, *SPIKE, 2, 2], twice, redeliver=True)
    assert [e.model_dump() for e in second] == [e.model_dump() for e in first]
    assert isinstance(second[1], SurgeUpdated)
    assert second[1].trend == [40, 45, 30]


def test_counts_spread_over_shards_and_a_bucket_is_read_as_their_union() -> None:
    store = InMemorySurgeStore()
    _stream([*QUIET, 40], store)
    shards = {shard for (topic, bucket, shard) in store.shards if bucket == START // BUCKET + 12}
    assert len(shards) > 1
    assert store.count("acme/complaint", START // BUCKET + 12)["total"] == 40


def test_steady_traffic_and_a_small_bump_open_nothing() -> None:
    store = InMemorySurgeStore()
    assert _stream([*QUIET, 6, 7, 3, 2], store) == []  # below the minimum count


def test_a_bucket_is_evaluated_once_even_by_a_second_consumer_with_a_stale_view() -> None:
    store = InMemorySurgeStore()
    events = _stream([*QUIET, *SPIKE], store)
    assert [e.DETAIL_TYPE for e in events] == ["Surge.Detected"]  # the last bucket waits for a later mention
    state = store.states["acme/complaint"]
    assert not store.save("acme/complaint", state, state.last_closed - 1, {})  # the other consumer lost the race
