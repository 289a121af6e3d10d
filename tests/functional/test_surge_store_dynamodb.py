"""The surge counters on the mesh table provisioned from template.yaml (moto): the same stream, the same events."""

from __future__ import annotations

from typing import Any

from talkworthy.community.counters import SHARDS, DynamoDbSurgeStore
from talkworthy.community.memory import InMemorySurgeStore
from tests.unit.community.test_surge_counting import BUCKET, QUIET, SPIKE, START, _stream


def test_the_stored_counters_give_the_same_surge_as_the_in_memory_ones(mesh_table: Any) -> None:
    store = DynamoDbSurgeStore(mesh_table, open_topics_ttl=0)
    stream = [*QUIET, *SPIKE, *[2] * 5, 1]
    stored = _stream(stream, store, redeliver=True)  # SQS delivers every mention twice
    expected = _stream(stream, InMemorySurgeStore())
    assert [e.DETAIL_TYPE for e in stored] == [e.DETAIL_TYPE for e in expected]
    assert [e.model_dump() for e in stored] == [e.model_dump() for e in expected]

    spike_bucket = START // BUCKET + 12
    shards = [
        mesh_table.get_item(Key={"pk": f"SURGECOUNT#acme#{spike_bucket}#{s}", "sk": "COUNT"}).get("Item")
        for s in range(SHARDS)
    ]
    assert sum(1 for item in shards if item) > 1  # the spike's writes went to several partitions
    total = mesh_table.get_item(Key={"pk": f"SURGETOTAL#acme/complaint#{spike_bucket}", "sk": "TOTAL"})["Item"]
    assert (int(total["total"]), int(total["negative"])) == (40, 40)
    assert store.open_topics() == set()  # resolved
