"""Where a surge's counts live: sharded counters on the mesh table, a topic's state, its history.

- **Counts** (``SURGECOUNT#<brand>#<bucket>#<shard>``): each mention adds a 4-byte digest of its
  event key to the set of its intent and sentiment (``complaint#negative``) on one of
  :data:`SHARDS` items chosen at random, so a crisis spreads its writes over several partitions
  and no key is hot. A bucket's count is the size of the union of its shards' sets: a redelivered
  mention adds a digest that is already there (in whichever shard), so it is counted once.
  Adds are gathered over a batch and written once per (brand, bucket) when the batch ends
  (:meth:`flush`): the write rate follows batches, not mentions. Kept a day.
- **Totals** (``SURGETOTAL#<topic>#<bucket>``): a finished bucket's count and sentiment, written
  when it is evaluated; the detector's history (same bucket of the last weeks, recent buckets)
  is a few of these, read by key. Kept five weeks.
- **State** (``SURGESTATE#<topic>``): the detector's state and the last bucket evaluated, written
  conditionally on that bucket, so two consumers never evaluate a bucket twice.
- **Open topics** (``SURGEOPEN``): the topics with an open surge, so any mention's batch can
  close a surge whose topic went quiet.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from talkworthy.community.state import TopicState
from talkworthy.community.topics import SentimentGroup
from talkworthy.dynamo import Table, batch_get, call, conditional

__all__ = ["SHARDS", "BucketCount", "DynamoDbSurgeStore", "SurgeStore", "key_digest"]

SHARDS = 8
GROUPS: tuple[SentimentGroup, ...] = ("negative", "neutral", "positive")
_COUNT_KEEP = 24 * 3600
_TOTAL_KEEP = 35 * 24 * 3600
_OPEN_KEY = {"pk": "SURGEOPEN", "sk": "OPEN"}
BucketCount = dict[str, int]  # sentiment group -> mentions; "total" -> all of them


def key_digest(event_key: str) -> bytes:
    """4 bytes of the event key's SHA-256: collisions stay below 0.1% at 2,500 mentions a bucket."""
    return hashlib.sha256(event_key.encode()).digest()[:4]


def _split(topic: str) -> tuple[str, str]:
    brand, _, intent = topic.rpartition("/")
    return brand, intent


def _count_key(brand: str, bucket: int, shard: int) -> dict[str, str]:
    return {"pk": f"SURGECOUNT#{brand}#{bucket}#{shard}", "sk": "COUNT"}


def _total_key(topic: str, bucket: int) -> dict[str, str]:
    return {"pk": f"SURGETOTAL#{topic}#{bucket}", "sk": "TOTAL"}


def _state_key(topic: str) -> dict[str, str]:
    return {"pk": f"SURGESTATE#{topic}", "sk": "STATE"}


class SurgeStore(Protocol):
    def add(self, topic: str, bucket: int, group: SentimentGroup, digest: bytes) -> None: ...

    def flush(self) -> None: ...

    def count(self, topic: str, bucket: int) -> BucketCount: ...

    def known_closed(self, topic: str) -> int | None: ...

    def totals(self, topic: str, buckets: Iterable[int]) -> dict[int, int]: ...

    def state(self, topic: str) -> TopicState | None: ...

    def save(self, topic: str, state: TopicState, previous: int | None, closed: dict[int, BucketCount]) -> bool: ...

    def open_topics(self) -> set[str]: ...

    def set_open(self, topic: str, is_open: bool) -> None: ...


class DynamoDbSurgeStore:
    def __init__(self, table: Table, open_topics_ttl: float = 60.0) -> None:
        self._table = table
        self._pending: dict[tuple[str, int], dict[str, set[bytes]]] = defaultdict(lambda: defaultdict(set))
        self._open: tuple[float, set[str]] | None = None
        self._open_ttl = open_topics_ttl
        self._closed: dict[str, int] = {}

    def add(self, topic: str, bucket: int, group: SentimentGroup, digest: bytes) -> None:
        self._pending[(topic, bucket)][group].add(digest)

    def flush(self) -> None:
        """One ``UpdateItem`` per (brand, bucket) of the batch, every topic's sets in it, on a random shard."""
        pending, self._pending = self._pending, defaultdict(lambda: defaultdict(set))
        items: dict[tuple[str, int], dict[str, set[bytes]]] = defaultdict(dict)
        for (topic, bucket), groups in pending.items():
            brand, intent = _split(topic)
            for group, digests in groups.items():
                items[(brand, bucket)][f"{intent}#{group}"] = digests
        for (brand, bucket), sets in items.items():
            names = {f"#a{i}": name for i, name in enumerate(sets)}
            values: dict[str, Any] = {f":a{i}": digests for i, digests in enumerate(sets.values())}
            values[":e"] = int(time.time()) + _COUNT_KEEP
            adds = ", ".join(f"#a{i} :a{i}" for i in range(len(sets)))
            call(
                self._table.update_item,
                Key=_count_key(brand, bucket, random.randrange(SHARDS)),  # noqa: S311 - spreads load, not a secret
                UpdateExpression=f"ADD {adds} SET expires_at = :e",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="UPDATED_NEW",  # no extra capacity; shows what the write was billed on
            )

    def count(self, topic: str, bucket: int) -> BucketCount:
        """The union of the bucket's shards (and of this batch's adds), per sentiment: each mention once."""
        brand, intent = _split(topic)
        items = batch_get(self._table, [_count_key(brand, bucket, s) for s in range(SHARDS)], consistent=True)
        pending = self._pending.get((topic, bucket), {})
        found: dict[str, set[bytes]] = {g: set(pending.get(g, ())) for g in GROUPS}  # this batch's, not yet written
        for item in items:
            for group in GROUPS:
                found[group] |= {bytes(d) for d in item.get(f"{intent}#{group}", ())}
        counts = {group: len(digests) for group, digests in found.items()}
        return {**counts, "total": sum(counts.values())}

    def known_closed(self, topic: str) -> int | None:
        """The last bucket this container saw evaluated for ``topic``: no read while nothing is due."""
        return self._closed.get(topic)

    def totals(self, topic: str, buckets: Iterable[int]) -> dict[int, int]:
        wanted = sorted(set(buckets))
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 100):
            keys = [_total_key(topic, b) for b in wanted[start : start + 100]]
            for item in batch_get(self._table, keys, consistent=False):
                found[int(item["bucket"])] = int(item["total"])
        return found

    def state(self, topic: str) -> TopicState | None:
        item = call(self._table.get_item, Key=_state_key(topic), ConsistentRead=True).get("Item")
        state = TopicState.model_validate_json(item["doc"]) if item else None
        if state is not None:
            self._closed[topic] = state.last_closed
        return state

    def save(self, topic: str, state: TopicState, previous: int | None, closed: dict[int, BucketCount]) -> bool:
        """The new state, if the last bucket evaluated is still ``previous`` (None: a new topic)."""
        expires = int(time.time()) + _TOTAL_KEEP
        for bucket, count in closed.items():  # totals first: a state never names a bucket without one
            call(
                self._table.put_item,
                Item={**_total_key(topic, bucket), "bucket": bucket, **count, "expires_at": expires},
            )
        item = {**_state_key(topic), "last_closed": state.last_closed, "doc": state.model_dump_json()}
        self._closed.pop(topic, None)  # whether this write wins or another consumer's did, read it next time
        if previous is None:
            saved = conditional(self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)")
        else:
            saved = conditional(
                self._table.put_item,
                Item=item,
                ConditionExpression="last_closed = :previous",
                ExpressionAttributeValues={":previous": previous},
            )
        if saved:
            self._closed[topic] = state.last_closed
        return saved

    def open_topics(self) -> set[str]:
        """Topics with an open surge, re-read at most every ``open_topics_ttl`` seconds."""
        now = time.monotonic()
        if self._open is None or now - self._open[0] > self._open_ttl:
            item = call(self._table.get_item, Key=_OPEN_KEY).get("Item") or {}
            self._open = (now, {str(t) for t in item.get("topics", ())})
        return set(self._open[1])

    def set_open(self, topic: str, is_open: bool) -> None:
        verb = "ADD" if is_open else "DELETE"
        call(
            self._table.update_item,
            Key=_OPEN_KEY,
            UpdateExpression=f"{verb} topics :t",
            ExpressionAttributeValues={":t": {topic}},
        )
        if self._open is not None:
            topics = self._open[1] | {topic} if is_open else self._open[1] - {topic}
            self._open = (self._open[0], topics)


def history_buckets(bucket: int, weeks: int, week_buckets: int, recent: int) -> Sequence[int]:
    """The buckets the detector may look at for ``bucket``: the same slot of past weeks, the recent ones."""
    return [bucket - w * week_buckets for w in range(1, weeks + 1)] + [bucket - b for b in range(1, recent + 1)]
