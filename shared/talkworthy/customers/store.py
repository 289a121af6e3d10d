"""Where customer records live: the mesh table (keys in :mod:`talkworthy.keys`), or memory in tests.

A record is one item, ``state`` (compact JSON) plus ``version``. Saves are conditional on the
version read (two deliveries for one customer in parallel: the loser re-reads and re-applies).
A record with a next check carries the sparse index keys ``gsi1pk = DUE#<shard>`` and
``gsi1sk = <next check ISO>#<customer_id>``; :meth:`due` queries each shard for
``gsi1sk <= now``, so the scan reads the customers due and no others (the index projects the
whole item: no second read).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol

from boto3.dynamodb.conditions import Key

from talkworthy import keys
from talkworthy.customers.record import CustomerRecord, decode, encode
from talkworthy.dynamo import Table, call, conditional, query_all

__all__ = ["BaselineStore", "DynamoDbBaselineStore", "InMemoryBaselineStore", "iso"]

GSI = "gsi1"


def iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BaselineStore(Protocol):
    def get(self, customer_id: str) -> CustomerRecord | None: ...

    def save(self, record: CustomerRecord) -> bool:
        """Write if nobody saved since ``record.version`` was read (then bump it); False otherwise."""
        ...

    def customer_for_email(self, email: str) -> str | None: ...

    def link_email(self, email: str, customer_id: str) -> None: ...

    def due(self, now: int) -> Iterator[CustomerRecord]:
        """Every record whose next check is at or before ``now``."""
        ...


class DynamoDbBaselineStore:
    def __init__(self, table: Table, page_size: int = 100) -> None:
        self._table = table
        self._page_size = page_size

    def get(self, customer_id: str) -> CustomerRecord | None:
        item = call(self._table.get_item, Key=keys.customer(customer_id), ConsistentRead=True).get("Item")
        return decode(str(item["state"]), int(item["version"])) if item else None

    def save(self, record: CustomerRecord) -> bool:
        item = {**keys.customer(record.customer_id), "state": encode(record), "version": record.version + 1}
        if record.next_check is not None:
            item["gsi1pk"] = keys.due_gsi(record.customer_id)
            item["gsi1sk"] = f"{iso(record.next_check)}#{record.customer_id}"
        if record.version == 0:
            saved = conditional(self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)")
        else:
            saved = conditional(
                self._table.put_item,
                Item=item,
                ConditionExpression="version = :read",
                ExpressionAttributeValues={":read": record.version},
            )
        if saved:
            record.version += 1
        return saved

    def customer_for_email(self, email: str) -> str | None:
        item = call(self._table.get_item, Key=keys.customer_email(email)).get("Item")
        return str(item["customer_id"]) if item else None

    def link_email(self, email: str, customer_id: str) -> None:
        call(self._table.put_item, Item={**keys.customer_email(email), "customer_id": customer_id})

    def due(self, now: int) -> Iterator[CustomerRecord]:
        upto = f"{iso(now)}#~"  # '~' sorts after every customer id
        for shard in range(keys.DUE_SHARDS):
            condition = Key("gsi1pk").eq(f"{keys.DUE}{shard}") & Key("gsi1sk").lte(upto)
            for item in query_all(self._table, IndexName=GSI, KeyConditionExpression=condition, Limit=self._page_size):
                yield decode(str(item["state"]), int(item["version"]))


class InMemoryBaselineStore:
    """The same behaviour in a dict (unit tests, the evaluation); ``reads`` counts items read."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[str, int]] = {}
        self.emails: dict[str, str] = {}
        self.reads = 0

    def get(self, customer_id: str) -> CustomerRecord | None:
        found = self.items.get(customer_id)
        self.reads += 1
        return decode(*found) if found else None

    def save(self, record: CustomerRecord) -> bool:
        current = self.items.get(record.customer_id)
        if (current[1] if current else 0) != record.version:
            return False
        self.items[record.customer_id] = (encode(record), record.version + 1)
        record.version += 1
        return True

    def customer_for_email(self, email: str) -> str | None:
        return self.emails.get(email.strip().lower())

    def link_email(self, email: str, customer_id: str) -> None:
        self.emails[email.strip().lower()] = customer_id

    def due(self, now: int) -> Iterator[CustomerRecord]:
        for text, version in list(self.items.values()):
            record = decode(text, version)
            if record.next_check is not None and record.next_check <= now:
                self.reads += 1
                yield record
