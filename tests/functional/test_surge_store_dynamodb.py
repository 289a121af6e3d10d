"""The surge path on the mesh table provisioned from template.yaml (moto): the routing journal's
items counted per bucket, the stored state and clock, the same events as in memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from talkworthy.community.counters import DynamoDbSurgeStore
from talkworthy.community.memory import InMemorySurgeStore
from talkworthy.routing import Decision
from talkworthy.routing.journal import DynamoDbRoutingJournal, InMemoryRoutingJournal, RoutedMention
from tests.unit.community.test_surge_counting import BUCKET, NOTIFIED, QUIET, SPIKE, START, _mention, _route, _stream


def test_the_stored_journal_and_state_give_the_same_surge_as_the_in_memory_ones(mesh_table: Any) -> None:
    store = DynamoDbSurgeStore(mesh_table)
    stream = [*QUIET, *SPIKE, *[2] * 5, 1]
    stored = _stream(stream, store, DynamoDbRoutingJournal(mesh_table), redeliver=True)  # every mention twice
    expected = _stream(stream, InMemorySurgeStore(), InMemoryRoutingJournal())
    assert [e.DETAIL_TYPE for e in stored] == [e.DETAIL_TYPE for e in expected]
    assert [e.model_dump() for e in stored] == [e.model_dump() for e in expected]

    spike_bucket = START // BUCKET + 12
    total = mesh_table.get_item(Key={"pk": f"SURGETOTAL#acme/complaint#{spike_bucket}", "sk": "TOTAL"})["Item"]
    assert (int(total["total"]), int(total["negative"])) == (40, 40)
    assert store.open_topics() == set()  # resolved
    assert store.last_evaluated() == START // BUCKET + len(stream) - 2  # the last bucket waits for the stream


def test_the_journal_counts_a_bucket_by_occurrence_across_shards_and_midnight(mesh_table: Any) -> None:
    journal = DynamoDbRoutingJournal(mesh_table)
    midnight = datetime(2027, 3, 2, tzinfo=UTC)
    start = midnight - timedelta(seconds=30)
    for n in range(40):  # 40 mentions over a minute that spans midnight, some praise
        mention = _mention(n, start.timestamp() + n * 1.5, *(("praise", 0.8) if n % 4 == 0 else ("complaint", -0.6)))
        _route(journal, mention)
        _route(journal, mention, late=86_400)  # redelivered and routed again the next day: the same item
    counts = journal.counts(start, start + timedelta(seconds=60))
    assert counts["acme/complaint"] == {"negative": 30, "neutral": 0, "positive": 0, "total": 30}
    assert counts["acme/praise"]["total"] == 10
    assert journal.counts(start, start + timedelta(seconds=15))["acme/complaint"]["total"] == 7  # [start, end)
    pks = {item["pk"] for item in mesh_table.scan()["Items"] if str(item["pk"]).startswith("ROUTED#")}
    assert len(pks) == 8  # four shards on each side of midnight
    assert journal.newest(midnight + timedelta(minutes=5)) == start + timedelta(seconds=39 * 1.5)
    routed = list(journal.since(start, start + timedelta(days=2)))  # the backtest's read: one per mention
    assert sorted(r.mention.meta.event_key for r in routed) == sorted(f"standard:msg_{n}" for n in range(40))
    assert all(r.decision == NOTIFIED for r in routed)


def test_a_mention_enriched_again_is_read_once_by_the_backtest_and_counted_once_in_a_bucket(mesh_table: Any) -> None:
    journal = DynamoDbRoutingJournal(mesh_table)
    at = START + 10
    _route(journal, _mention(1, at))
    _route(journal, _mention(1, at + 20), late=5)  # replayed: enriched again, later in the same bucket
    assert (
        journal.counts(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + BUCKET, UTC))[
            "acme/complaint"
        ]["total"]
        == 1
    )
    routed = list(journal.since(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + 3600, UTC)))
    assert [r.routed_at for r in routed] == [datetime.fromtimestamp(at + 25, UTC)]  # the latest routing


def test_a_redelivered_mention_gets_its_first_routing_back(mesh_table: Any) -> None:
    journal = DynamoDbRoutingJournal(mesh_table)
    mention = _mention(7, START + 10)
    first = RoutedMention(routed_at=mention.meta.occurred_at, mention=mention, decision=NOTIFIED)
    held_back = Decision(rule="sales", action="notify", explanation="held back", suppressed=["open_case:1"])
    later = RoutedMention(routed_at=first.routed_at + timedelta(minutes=3), mention=mention, decision=held_back)

    assert journal.put(first) == first
    assert journal.put(later) == first  # the refused put returns the first: no read
    assert [r.decision for r in journal.since(mention.meta.occurred_at, mention.meta.occurred_at)] == [NOTIFIED]
