"""What surge detection keeps on the mesh table: each topic's finished buckets, its state, the clock.

The counts themselves are not kept here: a finished bucket is counted from the routing journal
(one item per routed mention, already written; ``routing/journal.py``), once, when it is evaluated.

- **Totals** (``SURGETOTAL#<topic>#<bucket>``): a finished bucket's count and sentiment, written
  when it is evaluated; the detector's history (same bucket of the last weeks, recent buckets)
  is a few of these, read by key. Kept five weeks.
- **State** (``SURGESTATE#<topic>``): the detector's state and the last bucket evaluated, written
  conditionally on that bucket, so two runs never evaluate a topic's bucket twice.
- **Open topics** (``SURGEOPEN``): the topics with an open surge, evaluated every bucket, with or
  without mentions (so a surge resolves when its brand falls silent).
- **The clock** (``SURGECLOCK``): the last bucket evaluated; each bucket's evaluation is claimed
  by moving it on, conditionally on where it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from talkworthy.community.state import TopicState
from talkworthy.community.topics import BucketCount
from talkworthy.dynamo import Table, batch_get, call, conditional

__all__ = ["DynamoDbSurgeStore", "SurgeStore", "history_buckets"]

_TOTAL_KEEP = 35 * 24 * 3600
_OPEN_KEY = {"pk": "SURGEOPEN", "sk": "OPEN"}
_CLOCK_KEY = {"pk": "SURGECLOCK", "sk": "CLOCK"}


def _total_key(topic: str, bucket: int) -> dict[str, str]:
    return {"pk": f"SURGETOTAL#{topic}#{bucket}", "sk": "TOTAL"}


def _state_key(topic: str) -> dict[str, str]:
    return {"pk": f"SURGESTATE#{topic}", "sk": "STATE"}


class SurgeStore(Protocol):
    def totals(self, topic: str, buckets: Iterable[int]) -> dict[int, int]: ...

    def state(self, topic: str) -> TopicState | None: ...

    def save(self, topic: str, state: TopicState, previous: int | None, closed: dict[int, BucketCount]) -> bool: ...

    def open_topics(self) -> set[str]: ...

    def set_open(self, topic: str, is_open: bool) -> None: ...

    def last_evaluated(self) -> int | None: ...

    def claim(self, bucket: int, previous: int | None) -> bool: ...


class DynamoDbSurgeStore:
    def __init__(self, table: Table) -> None:
        self._table = table

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
        return TopicState.model_validate_json(str(item["doc"])) if item else None

    def save(self, topic: str, state: TopicState, previous: int | None, closed: dict[int, BucketCount]) -> bool:
        """The new state, if the last bucket evaluated is still ``previous`` (None: a new topic)."""
        expires = int(time.time()) + _TOTAL_KEEP
        for bucket, count in closed.items():  # totals first: a state never names a bucket without one
            call(
                self._table.put_item,
                Item={**_total_key(topic, bucket), "bucket": bucket, **count, "expires_at": expires},
            )
        item = {**_state_key(topic), "last_closed": state.last_closed, "doc": state.model_dump_json()}
        if previous is None:
            return conditional(self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)")
        return conditional(
            self._table.put_item,
            Item=item,
            ConditionExpression="last_closed = :previous",
            ExpressionAttributeValues={":previous": previous},
        )

    def open_topics(self) -> set[str]:
        item = call(self._table.get_item, Key=_OPEN_KEY, ConsistentRead=True).get("Item") or {}
        return {str(t) for t in item.get("topics", ())}

    def set_open(self, topic: str, is_open: bool) -> None:
        verb = "ADD" if is_open else "DELETE"
        call(
            self._table.update_item,
            Key=_OPEN_KEY,
            UpdateExpression=f"{verb} topics :t",
            ExpressionAttributeValues={":t": {topic}},
        )

    def last_evaluated(self) -> int | None:
        item = call(self._table.get_item, Key=_CLOCK_KEY, ConsistentRead=True).get("Item")
        return int(item["bucket"]) if item else None

    def claim(self, bucket: int, previous: int | None) -> bool:
        """Move the clock to ``bucket`` if it is still at ``previous`` (None: never moved)."""
        if previous is None:
            return conditional(
                self._table.put_item,
                Item={**_CLOCK_KEY, "bucket": bucket},
                ConditionExpression="attribute_not_exists(pk)",
            )
        return conditional(
            self._table.put_item,
            Item={**_CLOCK_KEY, "bucket": bucket},
            ConditionExpression="#b = :previous",
            ExpressionAttributeNames={"#b": "bucket"},
            ExpressionAttributeValues={":previous": previous},
        )


def history_buckets(bucket: int, weeks: int, week_buckets: int, recent: int) -> Sequence[int]:
    """The buckets the detector may look at for ``bucket``: the same slot of past weeks, the recent ones."""
    return [bucket - w * week_buckets for w in range(1, weeks + 1)] + [bucket - b for b in range(1, recent + 1)]
