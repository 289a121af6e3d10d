"""How often a customer has been worked on for retention lately: a small port until the mesh-wide ledger.

The contact-pressure ledger (every message sent to a person, across contexts) is its own piece of
work; until it lands, retention keeps its own touches behind this port so the ledger can replace
it without touching the use case. One item per touch (``TOUCHES#<customer>`` /
``TOUCH#<at>#<key>``, expiring after 90 days): recording the same touch twice writes the same
item, so it is idempotent; :meth:`recent` is one query on the customer's partition.
"""

from __future__ import annotations

import time
from typing import Protocol

from boto3.dynamodb.conditions import Key

from talkworthy import keys
from talkworthy.customers.store import iso
from talkworthy.dynamo import Table, call, query_all

__all__ = ["ContactPressure", "DynamoDbContactPressure", "InMemoryContactPressure"]

_KEEP_SECONDS = 90 * 86400


class ContactPressure(Protocol):
    def recent(self, customer_id: str, now: int, days: int) -> list[str]:
        """The keys of the touches in the last ``days`` days."""
        ...

    def record(self, customer_id: str, key: str, at: int) -> None: ...


class DynamoDbContactPressure:
    def __init__(self, table: Table) -> None:
        self._table = table

    def recent(self, customer_id: str, now: int, days: int) -> list[str]:
        since = f"TOUCH#{iso(now - days * 86400)}"
        condition = Key("pk").eq(keys.touches_pk(customer_id)) & Key("sk").gte(since)
        return [str(item["key"]) for item in query_all(self._table, KeyConditionExpression=condition)]

    def record(self, customer_id: str, key: str, at: int) -> None:
        item = {**keys.touch(customer_id, iso(at), key), "key": key, "expires_at": int(time.time()) + _KEEP_SECONDS}
        call(self._table.put_item, Item=item)


class InMemoryContactPressure:
    def __init__(self) -> None:
        self.touches: dict[str, dict[str, int]] = {}

    def recent(self, customer_id: str, now: int, days: int) -> list[str]:
        since = now - days * 86400
        return [key for key, at in self.touches.get(customer_id, {}).items() if at >= since]

    def record(self, customer_id: str, key: str, at: int) -> None:
        self.touches.setdefault(customer_id, {})[key] = at
