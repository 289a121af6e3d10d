"""Conversation threads on the mesh table (rules: :mod:`talkworthy.identity.threads`).

================  =====================================  ==========  ============================
item              pk                                     sk          holds
================  =====================================  ==========  ============================
post              ``THREAD#post:<platform>/<post_id>``   ``THREAD``  thread_id, expires_at
platform thread   ``THREAD#hint:<platform>/<hint>``      ``THREAD``  thread_id, expires_at
URL               ``THREAD#url:<normalised url>``        ``THREAD``  thread_id, expires_at
author on topic   ``THREAD#topic:<profile_id>/<topic>``  ``THREAD``  thread_id, last_at (epoch s),
                                                                     expires_at
================  =====================================  ==========  ============================

Every item expires (TTL ``expires_at``) ``retention`` after the last mention that wrote it (90
days by default): a reply to a post older than that starts a new thread. Never a Scan.

Per mention: the post, parent, platform thread, URL and author/topic keys in one strongly consistent
``BatchGetItem`` (1 RCU each: the post's key must be current, and a separate glance at the rest
at 0.5 RCU each would cost a second call, and a consistent re-read of the topic key before leaving
it alone a third).
Writes are single-item and conditional, 1 WCU each: one per key a new thread records (post,
platform thread, URL, author/topic) and one for an author whose topic thread moves or slides; keys
already holding the thread are not written again. A redelivered mention writes nothing: the read
alone shows there is nothing to write. A refused put-if-absent or topic update hands back the item that
refused it (``ReturnValuesOnConditionCheckFailure``), so losing a race costs no extra read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from talkworthy.dynamo import Table, batch_get, conditional, write_or_current
from talkworthy.errors import RetryableError
from talkworthy.identity.threads import Entry, IndexedThreadStore
from talkworthy.keys import THREAD, thread

__all__ = ["DynamoDbThreadIndex", "DynamoDbThreadStore"]

_ATTEMPTS = 5


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def _epoch(at: datetime) -> Decimal:
    """Seconds since the epoch, exact to the microsecond (so a redelivery compares equal)."""
    return Decimal((at - _EPOCH) // _MICRO).scaleb(-6)


def _entry(item: dict[str, Any] | None) -> Entry | None:
    if item is None or "thread_id" not in item:
        return None
    last = item.get("last_at")
    at = _EPOCH + int(Decimal(last).scaleb(6)) * _MICRO if last is not None else None
    return Entry(str(item["thread_id"]), at)


class DynamoDbThreadIndex:
    def __init__(self, table: Table, retention: timedelta = timedelta(days=90)) -> None:
        self._table = table
        self._retention = retention

    def _expires(self, at: datetime) -> int:
        return int((at + self._retention).timestamp())

    def read(self, keys: Sequence[str]) -> dict[str, Entry]:
        items = batch_get(self._table, [thread(key) for key in keys], consistent=True) if keys else []
        found = {str(item["pk"]).removeprefix(THREAD): _entry(item) for item in items}
        return {key: entry for key, entry in found.items() if entry is not None}

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        for _ in range(_ATTEMPTS):
            item = {**thread(key), "thread_id": thread_id, "expires_at": self._expires(at)}
            written, holder = write_or_current(
                self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
            if written:
                return thread_id
            entry = _entry(holder)
            if entry is not None:
                return entry.thread_id
        raise RetryableError(f"thread index {key}: kept changing under concurrent writers")

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta, seen: Entry | None) -> str:
        """Decide from ``seen`` and write with a condition that holds only if ``seen`` is still right;
        when it is not, the refusal hands back the item as it is and the decision is made again.
        ``last_at`` only ever moves forward, so a last activity later than ``at + window`` stays so,
        and a live thread whose last activity is already at or after ``at`` needs no write."""
        for _ in range(_ATTEMPTS):
            if seen is None or seen.last_at is None or at - seen.last_at > window:
                written, current = self._start(key, thread_id, at, window)
                if written:
                    return thread_id
            elif seen.last_at - at > window:  # last_at never moves back: this still holds
                return thread_id
            elif seen.last_at < at:
                written, current = self._extend(key, seen.thread_id, at, window)
                if written:
                    return seen.thread_id
            else:
                return seen.thread_id
            seen = _entry(current)
        raise RetryableError(f"thread index {key}: kept changing under concurrent writers")

    def _start(self, key: str, thread_id: str, at: datetime, window: timedelta) -> tuple[bool, dict[str, Any] | None]:
        """A new thread under ``key``, unless it saw activity since ``at - window``."""
        return write_or_current(
            self._table.update_item,
            Key=thread(key),
            UpdateExpression="SET thread_id = :t, last_at = :at, expires_at = :exp",
            ConditionExpression="attribute_not_exists(pk) OR last_at < :lo",
            ExpressionAttributeValues={
                ":t": thread_id,
                ":at": _epoch(at),
                ":lo": _epoch(at - window),
                ":exp": self._expires(at),
            },
        )

    def _extend(self, key: str, thread_id: str, at: datetime, window: timedelta) -> tuple[bool, dict[str, Any] | None]:
        """Slide the live ``thread_id`` under ``key`` forward to ``at``, if it still is that and live."""
        return write_or_current(
            self._table.update_item,
            Key=thread(key),
            UpdateExpression="SET last_at = :at, expires_at = :exp",
            ConditionExpression="thread_id = :t AND last_at >= :lo AND last_at < :at",
            ExpressionAttributeValues={
                ":t": thread_id,
                ":at": _epoch(at),
                ":lo": _epoch(at - window),
                ":exp": self._expires(at),
            },
        )

    def touch_topic(self, key: str, thread_id: str, at: datetime) -> None:
        conditional(
            self._table.update_item,
            Key=thread(key),
            UpdateExpression="SET thread_id = :t, last_at = :at, expires_at = :exp",
            ConditionExpression="attribute_not_exists(pk) OR last_at <= :at",
            ExpressionAttributeValues={":t": thread_id, ":at": _epoch(at), ":exp": self._expires(at)},
        )


class DynamoDbThreadStore(IndexedThreadStore):
    """Threads on the mesh table (boto3 ``Table`` resource injected)."""

    def __init__(self, table: Table, retention: timedelta = timedelta(days=90)) -> None:
        super().__init__(DynamoDbThreadIndex(table, retention))
