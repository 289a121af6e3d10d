"""An in-memory :class:`SurgeStore` with the DynamoDB store's semantics (conditional state and clock)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from talkworthy.community.state import TopicState
from talkworthy.community.topics import BucketCount

__all__ = ["InMemorySurgeStore"]


class InMemorySurgeStore:
    def __init__(self) -> None:
        self.recorded: dict[tuple[str, int], BucketCount] = {}
        self.states: dict[str, TopicState] = {}
        self.open: set[str] = set()
        self.clock: int | None = None
        self._lock = threading.Lock()

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

    def last_evaluated(self) -> int | None:
        with self._lock:
            return self.clock

    def claim(self, bucket: int, previous: int | None) -> bool:
        with self._lock:
            if self.clock != previous:
                return False
            self.clock = bucket
            return True
