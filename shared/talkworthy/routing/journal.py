"""What routing decided, mention by mention: the source `talkworthy rules backtest` replays, and
the counts surge detection reads.

Routing writes one :class:`RoutedMention` per ``Mention.Enriched`` it decides: the enriched
mention as routed, the live rules' decision, and the contact facts the policy read (only when the
decision was sales; reading them costs a CRM and a profile lookup). Items live 30 days in the
mesh table under the UTC day the mention occurred (``meta.occurred_at``, set when it was
enriched), in :data:`~talkworthy.keys.ROUTED_SHARDS` partitions per day, sorted by that time and
the event key. The first routing is kept: a redelivered event (its enrichment is the first one
again, ``enrichment/first.py``, so its key is the same, even after midnight) gets the first
routing back from the refused put and follows that decision, so its case, lead and message agree
with the first attempt's whatever the contact policy would read now. A replay is enriched afresh,
so it is journalled under its new time and routed anew.

Each item also carries the mention's topic and sentiment group as plain attributes, so the surge
detector counts a finished bucket with a range query over the day's shards (:meth:`counts`):
counting costs no write of its own, only the reads of each bucket once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy import keys
from talkworthy.catalog.mention import MentionEnriched
from talkworthy.community.topics import SENTIMENT_GROUPS, BucketCount, sentiment_group, topic_of
from talkworthy.dynamo import Table, call, query_all, write_or_current
from talkworthy.routing.decision import Decision
from talkworthy.routing.policy import ContactContext

__all__ = [
    "DynamoDbRoutingJournal",
    "InMemoryRoutingJournal",
    "RoutedMention",
    "RoutingJournal",
    "days_between",
    "sort_time",
    "split_sort_key",
]

KEEP = timedelta(days=30)
_ROUTING_LAG = timedelta(days=1)  # a mention is routed within a day of occurring (the bus retries a day)


class RoutedMention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    routed_at: datetime
    mention: MentionEnriched
    decision: Decision
    contact: ContactContext | None = None  # what the contact policy read, when the decision was sales


class RoutingJournal(Protocol):
    def put(self, routed: RoutedMention) -> RoutedMention:
        """Journal ``routed`` unless its mention was routed already; the first routing either way."""
        ...

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]: ...

    def counts(self, start: datetime, end: datetime) -> dict[str, BucketCount]: ...

    def newest(self, now: datetime) -> datetime | None: ...


def days_between(start: datetime, end: datetime) -> list[str]:
    day, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    found = []
    while day <= last:
        found.append(day.isoformat())
        day += timedelta(days=1)
    return found


_SORT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed-width ISO 8601 UTC, so text order is time order


def sort_time(at: datetime) -> str:
    """``at`` as the sort key's prefix."""
    return at.astimezone(UTC).strftime(_SORT_FORMAT)


def _day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def split_sort_key(sk: str) -> tuple[str, str]:
    """``<sort time>#<event key>`` (``keys.routed``) → its two parts."""
    at, _, event_key = sk.partition("#")
    return at, event_key


def _tally(found: dict[str, BucketCount], topic: str, group: str) -> None:
    count = found.setdefault(topic, {**dict.fromkeys(SENTIMENT_GROUPS, 0), "total": 0})
    count[group] += 1
    count["total"] += 1


def _keep_latest(found: dict[str, RoutedMention], routed: RoutedMention, start: datetime, end: datetime) -> None:
    key = routed.mention.meta.event_key
    if start <= routed.routed_at <= end and (key not in found or found[key].routed_at < routed.routed_at):
        found[key] = routed


class DynamoDbRoutingJournal:
    def __init__(self, table: Table) -> None:
        self._table = table

    def put(self, routed: RoutedMention) -> RoutedMention:
        meta = routed.mention.meta
        item = {
            **keys.routed(_day(meta.occurred_at), sort_time(meta.occurred_at), meta.event_key),
            "kind": "routed",
            "topic": topic_of(routed.mention),
            "sentiment": sentiment_group(routed.mention.sentiment.label),
            "doc": routed.model_dump_json(),
            "expires_at": int((routed.routed_at + KEEP).timestamp()),
        }
        written, first = write_or_current(
            self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )
        if written or first is None:
            return routed
        return RoutedMention.model_validate_json(str(first["doc"]))

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]:
        """What was routed between ``start`` and ``end`` (it occurred at most a day before), once per
        event key: a mention enriched again (a replay) is journaled under its new time too; the
        latest routing is kept."""
        found: dict[str, RoutedMention] = {}
        for day in days_between(start - _ROUTING_LAG, end):
            for shard in range(keys.ROUTED_SHARDS):
                values = {":pk": keys.routed_pk(day, shard)}
                for item in query_all(self._table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues=values):
                    routed = RoutedMention.model_validate_json(str(item["doc"]))
                    _keep_latest(found, routed, start, end)
        yield from sorted(found.values(), key=lambda r: r.routed_at)

    def counts(self, start: datetime, end: datetime) -> dict[str, BucketCount]:
        """Mentions that occurred in ``[start, end)`` per topic and sentiment: one range query per shard
        of each day it spans (eventually consistent, billed per 4 KB of items read)."""
        found: dict[str, BucketCount] = {}
        seen: set[str] = set()  # a mention enriched twice within the bucket counts once
        low, high = sort_time(start), sort_time(end)  # "<at>#<key>" sorts after "<at>": end is excluded
        for day in days_between(start, end - timedelta(microseconds=1)):
            for shard in range(keys.ROUTED_SHARDS):
                for item in query_all(
                    self._table,
                    KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
                    ExpressionAttributeValues={":pk": keys.routed_pk(day, shard), ":low": low, ":high": high},
                    ProjectionExpression="sk, topic, sentiment",
                ):
                    _, event_key = split_sort_key(str(item["sk"]))
                    if event_key not in seen:
                        seen.add(event_key)
                        _tally(found, str(item["topic"]), str(item["sentiment"]))
        return found

    def newest(self, now: datetime) -> datetime | None:
        """When the latest journaled mention occurred (today's shards, else yesterday's): the stream's clock."""
        for day in (_day(now), _day(now - timedelta(days=1))):
            latest = [
                str(page["Items"][0]["sk"])
                for shard in range(keys.ROUTED_SHARDS)
                if (
                    page := call(
                        self._table.query,
                        KeyConditionExpression="pk = :pk",
                        ExpressionAttributeValues={":pk": keys.routed_pk(day, shard)},
                        ProjectionExpression="sk",
                        ScanIndexForward=False,
                        Limit=1,
                    )
                )["Items"]
            ]
            if latest:
                at, _ = split_sort_key(max(latest))
                return datetime.strptime(at, _SORT_FORMAT).replace(tzinfo=UTC)
        return None


class InMemoryRoutingJournal:
    def __init__(self) -> None:
        self.items: dict[str, RoutedMention] = {}
        self._lock = threading.Lock()

    def put(self, routed: RoutedMention) -> RoutedMention:
        meta = routed.mention.meta
        with self._lock:
            return self.items.setdefault(f"{sort_time(meta.occurred_at)}#{meta.event_key}", routed)

    def since(self, start: datetime, end: datetime) -> Iterator[RoutedMention]:
        found: dict[str, RoutedMention] = {}
        with self._lock:
            for routed in self.items.values():
                _keep_latest(found, routed, start, end)
        yield from sorted(found.values(), key=lambda r: r.routed_at)

    def counts(self, start: datetime, end: datetime) -> dict[str, BucketCount]:
        found: dict[str, BucketCount] = {}
        with self._lock:
            routed = {
                r.mention.meta.event_key: r.mention
                for r in self.items.values()
                if start <= r.mention.meta.occurred_at < end
            }
        for mention in routed.values():
            _tally(found, topic_of(mention), sentiment_group(mention.sentiment.label))
        return found

    def newest(self, now: datetime) -> datetime | None:
        with self._lock:
            return max((r.mention.meta.occurred_at for r in self.items.values()), default=None)
