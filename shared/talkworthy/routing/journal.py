"""What routing decided, mention by mention: the source `talkworthy rules backtest` replays.

Routing writes one :class:`RoutedMention` per ``Mention.Enriched`` it decides: the enriched
mention as routed, the live rules' decision, and the contact facts the policy read (only when the
decision was sales; reading them costs a CRM and a profile lookup). Items live 30 days in the
mesh table under the UTC day they were routed, in :data:`~talkworthy.keys.ROUTED_SHARDS`
partitions per day. A whole-item put keyed by the event key: a redelivered event the same day
leaves one item; one redelivered across midnight is read once (the reader keeps one per key).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy import keys
from talkworthy.catalog.mention import MentionEnriched
from talkworthy.dynamo import Table, call, query_all
from talkworthy.routing.decision import Decision
from talkworthy.routing.policy import ContactContext

__all__ = ["DynamoDbRoutingJournal", "InMemoryRoutingJournal", "RoutedMention", "RoutingJournal", "days_between"]

KEEP = timedelta(days=30)


class RoutedMention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    routed_at: datetime
    mention: MentionEnriched
    decision: Decision
    contact: ContactContext | None = None  # what the contact policy read, when the decision was sales


class RoutingJournal(Protocol):
    def put(self, routed: RoutedMention) -> None: ...

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]: ...


def days_between(start: datetime, end: datetime) -> list[str]:
    day, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    found = []
    while day <= last:
        found.append(day.isoformat())
        day += timedelta(days=1)
    return found


class DynamoDbRoutingJournal:
    def __init__(self, table: Table) -> None:
        self._table = table

    def put(self, routed: RoutedMention) -> None:
        day = routed.routed_at.astimezone(UTC).date().isoformat()
        item = {
            **keys.routed(day, routed.mention.meta.event_key),
            "kind": "routed",
            "doc": routed.model_dump_json(),
            "expires_at": int((routed.routed_at + KEEP).timestamp()),
        }
        call(self._table.put_item, Item=item)

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]:
        seen: set[str] = set()
        for day in days_between(start, end):
            for shard in range(keys.ROUTED_SHARDS):
                values = {":pk": keys.routed_pk(day, shard)}
                for item in query_all(self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues=values):
                    routed = RoutedMention.model_validate_json(item["doc"])
                    if item["sk"] not in seen and start <= routed.routed_at <= end:
                        seen.add(str(item["sk"]))
                        yield routed


class InMemoryRoutingJournal:
    def __init__(self) -> None:
        self.items: dict[str, RoutedMention] = {}
        self._lock = threading.Lock()

    def put(self, routed: RoutedMention) -> None:
        with self._lock:
            self.items[routed.mention.meta.event_key] = routed

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]:
        with self._lock:
            found = [r for r in self.items.values() if start <= r.routed_at <= end]
        yield from sorted(found, key=lambda r: r.routed_at)
