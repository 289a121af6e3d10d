"""Per-feed poll state: the cursor and a bounded window of recently seen entry ids.

Feeds re-show entries they already served, so the pollers dedupe on entry id against this window
(newest first). The cursor is the source's own position: Mention's ``since_id``, or the newest
published timestamp of a feed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from talkworthy import keys
from talkworthy.catalog.base import utc_now
from talkworthy.dynamo import Table, call

__all__ = [
    "DEFAULT_MAX_SEEN",
    "CursorState",
    "CursorStore",
    "DynamoDbCursorStore",
    "InMemoryCursorStore",
    "bound_seen_ids",
]

DEFAULT_MAX_SEEN = 500
MAX_SEEN_BYTES = 300_000  # DynamoDB items stop at 400 KB


@dataclass(frozen=True)
class CursorState:
    cursor: str | None = None
    seen_ids: tuple[str, ...] = ()


class CursorStore(Protocol):
    def get(self, feed_id: str) -> str | None: ...

    def load(self, feed_id: str) -> CursorState: ...

    def put(self, feed_id: str, cursor: str | None, seen_ids: Sequence[str]) -> None: ...


def bound_seen_ids(seen_ids: Sequence[str], max_seen: int, max_bytes: int = MAX_SEEN_BYTES) -> tuple[str, ...]:
    """Unique ids, first (newest) occurrence kept, at most ``max_seen`` of them and ``max_bytes`` in all."""
    kept: list[str] = []
    seen: set[str] = set()
    size = 0
    for entry_id in seen_ids:
        if entry_id in seen:
            continue
        size += len(entry_id.encode())
        if len(kept) >= max_seen or size > max_bytes:
            break
        seen.add(entry_id)
        kept.append(entry_id)
    return tuple(kept)


class InMemoryCursorStore:
    """A fake for tests: keeps states in a dict and counts writes."""

    def __init__(self, max_seen: int = DEFAULT_MAX_SEEN) -> None:
        self._max_seen = max_seen
        self.states: dict[str, CursorState] = {}
        self.writes = 0

    def get(self, feed_id: str) -> str | None:
        return self.load(feed_id).cursor

    def load(self, feed_id: str) -> CursorState:
        return self.states.get(feed_id, CursorState())

    def put(self, feed_id: str, cursor: str | None, seen_ids: Sequence[str]) -> None:
        self.states[feed_id] = CursorState(cursor, bound_seen_ids(seen_ids, self._max_seen))
        self.writes += 1


class DynamoDbCursorStore:
    """One item per feed in the mesh table: ``pk="CURSOR#<feed_id>"``, ``sk="CURSOR"``.

    Attributes: ``cursor`` (absent when None), ``seen_ids`` (list, newest first, bounded),
    ``updated_at``. Reads are strongly consistent so the next scheduled poll sees the last write.
    """

    def __init__(
        self,
        table: Table,
        *,
        max_seen: int = DEFAULT_MAX_SEEN,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._table = table
        self._max_seen = max_seen
        self._clock = clock

    def get(self, feed_id: str) -> str | None:
        return self.load(feed_id).cursor

    def load(self, feed_id: str) -> CursorState:
        response = call(self._table.get_item, Key=keys.cursor(feed_id), ConsistentRead=True)
        item = response.get("Item")
        if not item:
            return CursorState()
        cursor = item.get("cursor")
        seen = item.get("seen_ids") or []
        return CursorState(
            cursor=str(cursor) if cursor is not None else None,
            seen_ids=tuple(str(entry_id) for entry_id in seen),
        )

    def put(self, feed_id: str, cursor: str | None, seen_ids: Sequence[str]) -> None:
        item: dict[str, Any] = {
            **keys.cursor(feed_id),
            "feed_id": feed_id,
            "seen_ids": list(bound_seen_ids(seen_ids, self._max_seen)),
            "updated_at": self._clock().isoformat(),
        }
        if cursor is not None:
            item["cursor"] = cursor
        call(self._table.put_item, Item=item)
