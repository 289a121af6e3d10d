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
days by default): a reply to a post older than that starts a new thread. Each mention costs one
``GetItem`` per key plus conditional writes; never a Scan.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from talkworthy.errors import RetryableError
from talkworthy.identity._dynamo import Table, call, conditional
from talkworthy.identity.threads import IndexedThreadStore

__all__ = ["DynamoDbThreadIndex", "DynamoDbThreadStore"]

_ATTEMPTS = 5


def _key(key: str) -> dict[str, str]:
    return {"pk": f"THREAD#{key}", "sk": "THREAD"}


def _epoch(at: datetime) -> Decimal:
    return Decimal(str(round(at.timestamp(), 6)))


class DynamoDbThreadIndex:
    def __init__(self, table: Table, retention: timedelta = timedelta(days=90)) -> None:
        self._table = table
        self._retention = retention

    def _expires(self, at: datetime) -> int:
        return int((at + self._retention).timestamp())

    def get(self, key: str) -> str | None:
        item = call(self._table.get_item, Key=_key(key), ConsistentRead=True).get("Item")
        return str(item["thread_id"]) if item else None

    def claim(self, key: str, thread_id: str, at: datetime) -> str:
        for _ in range(_ATTEMPTS):
            item = {**_key(key), "thread_id": thread_id, "expires_at": self._expires(at)}
            if conditional(self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"):
                return thread_id
            holder = self.get(key)
            if holder is not None:
                return holder
        raise RetryableError(f"thread index {key}: kept changing under concurrent writers")

    def claim_topic(self, key: str, thread_id: str, at: datetime, window: timedelta) -> str:
        values: dict[str, Any] = {
            ":t": thread_id,
            ":at": _epoch(at),
            ":lo": _epoch(at - window),
            ":hi": _epoch(at + window),
            ":exp": self._expires(at),
        }
        for _ in range(_ATTEMPTS):
            started = conditional(
                self._table.update_item,
                Key=_key(key),
                UpdateExpression="SET thread_id = :t, last_at = :at, expires_at = :exp",
                ConditionExpression="attribute_not_exists(pk) OR last_at < :lo OR last_at > :hi",
                ExpressionAttributeValues=values,
            )
            if started:
                return thread_id
            # a live thread: this mention extends it (unless a later one already did)
            conditional(
                self._table.update_item,
                Key=_key(key),
                UpdateExpression="SET last_at = :at, expires_at = :exp",
                ConditionExpression="last_at < :at",
                ExpressionAttributeValues={":at": values[":at"], ":exp": values[":exp"]},
            )
            holder = self.get(key)
            if holder is not None:
                return holder
        raise RetryableError(f"thread index {key}: kept changing under concurrent writers")

    def touch_topic(self, key: str, thread_id: str, at: datetime) -> None:
        conditional(
            self._table.update_item,
            Key=_key(key),
            UpdateExpression="SET thread_id = :t, last_at = :at, expires_at = :exp",
            ConditionExpression="attribute_not_exists(pk) OR last_at <= :at",
            ExpressionAttributeValues={":t": thread_id, ":at": _epoch(at), ":exp": self._expires(at)},
        )


class DynamoDbThreadStore(IndexedThreadStore):
    """Threads on the mesh table (boto3 ``Table`` resource injected)."""

    def __init__(self, table: Table, retention: timedelta = timedelta(days=90)) -> None:
        super().__init__(DynamoDbThreadIndex(table, retention))
