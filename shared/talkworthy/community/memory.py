"""An in-memory :class:`SurgeStore` with the DynamoDB store's semantics (sets, conditional state)."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Iterable

from talkworthy.community.counters import GROUPS, SHARDS, BucketCount
from talkworthy.community.state import TopicState
from talkworthy.community.topics import SentimentGroup

__all__ = ["InMemorySurgeStore"]


class InMemorySurgeStore:
    def __init__(self) -> None:
        self.shards: dict[tuple[str, int, int], dict[str, set[bytes]]] = defaultdict(lambda: defaultdict(set))
        self.recorded: dict[tuple[str, int], BucketCount] = {}
        self.states: dict[str, TopicState] = {}
        self.open: set[str] = set()
        self.flushes = 0
        self._pending: list[tuple[str, int, SentimentGroup, bytes]] = []
        self._lock = threading.Lock()

    def add(self, topic: str, bucket: int, group: SentimentGroup, digest: bytes) -> None:
        self._pending.append((topic, bucket, group, digest))

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            if pending:
                self.flushes += 1
            for topic, bucket, group, digest in pending:
                shard = random.randrange(SHARDS)  # noqa: S311 - spreads load, not a secret
                self.shards[(topic, bucket, shard)][group].add(digest)

    def count(self, topic: str, bucket: int) -> BucketCount:
        with self._lock:
            found: dict[str, set[bytes]] = {g: set() for g in GROUPS}
            for pending_topic, pending_bucket, pending_group, digest in self._pending:  # this batch's, not written
                if (pending_topic, pending_bucket) == (topic, bucket):
                    found[pending_group].add(digest)
            for shard in range(SHARDS):
                for group, digests in self.shards.get((topic, bucket, shard), {}).items():
                    found[group] |= digests
        counts = {group: len(d) for group, d in found.items()}
        return {**counts, "total": sum(counts.values())}

    def known_closed(self, topic: str) -> int | None:
        return None  # always read the state: tests see every evaluation

    def totals(self, topic: str, buckets: Iterable[int]) -> dict[int, int]:
        with self._lock:
            return {b: self.recorded[(topic, b)]["total"] for b in buckets if (topic, b) in self.recorded}

    def state(self, topic: str) -> TopicState | None:
        with self._lock:
            return self.states.get(topic)

    def save(self, topic: str, state: TopicState, previous: int | None, closed: dict[int, BucketCount]) -> bool:
        with self._lock:
            current = self.states.get(topic)
            if (current is None) != (previous is None) or (current is not None and current.last_closed != previous):
                return False
            for bucket, count in closed.items():
                self.recorded[(topic, bucket)] = count
            self.states[topic] = state
            return True

    def open_topics(self) -> set[str]:
        with self._lock:
            return set(self.open)

    def set_open(self, topic: str, is_open: bool) -> None:
        with self._lock:
            (self.open.add if is_open else self.open.discard)(topic)
