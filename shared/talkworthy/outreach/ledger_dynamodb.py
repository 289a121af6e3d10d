"""The contact ledger on the mesh table: one partition per person, entries sorted by time.

``record`` is one conditional put on ``(LEDGER#<person>, <iso at>#<event key>)``: the causing
event's key and time make a redelivery hit the same item and change nothing. ``history`` is one
query from ``since`` on: its reads grow with the person's recent contacts, not with all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from talkworthy import dynamo, keys
from talkworthy.outreach.ledger import Entry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = ["DynamoDbContactLedger"]


def _utc(at: datetime) -> str:
    """Sort keys compare as text: every time is written in UTC, to the microsecond."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _sort_key(entry: Entry) -> str:
    return f"{_utc(entry.at)}#{entry.event_key}"


class DynamoDbContactLedger:
    def __init__(self, table: Table, *, keep_days: int = 400) -> None:
        self._table = table
        self._keep = keep_days * 86_400

    def _item(self, entry: Entry, sk: str) -> dict[str, Any]:
        return {
            "pk": keys.ledger_pk(entry.person),
            "sk": sk,
            "at": _utc(entry.at),
            "kind": entry.kind,
            "channel": entry.channel,
            "event_key": entry.event_key,
            "reason": entry.reason,
            "expires_at": int(entry.at.timestamp()) + self._keep,
        }

    def record(self, entry: Entry) -> bool:
        return dynamo.conditional(
            self._table.put_item,
            Item=self._item(entry, _sort_key(entry)),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def record_suppressed(self, entry: Entry) -> bool:
        return dynamo.conditional(
            self._table.put_item,
            Item=self._item(entry, f"{keys.SUPPRESSED}{entry.event_key}"),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def history(self, person: str, since: datetime) -> Sequence[Entry]:
        from boto3.dynamodb.conditions import Key

        condition = Key("pk").eq(keys.ledger_pk(person)) & Key("sk").between(_utc(since), "9999")
        return [
            Entry(
                person=person,
                at=datetime.fromisoformat(item["at"]),
                kind=item["kind"],
                channel=item["channel"],
                event_key=item["event_key"],
                reason=item.get("reason", ""),
            )
            for item in dynamo.query_all(self._table, KeyConditionExpression=condition)
        ]
