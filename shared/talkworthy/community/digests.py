"""Which weekly digests were posted: one per community and week, even when a run is retried.

A run claims ``DIGEST#<week>`` on the community's item partition with a conditional put before it
posts; a second run (EventBridge's retry, an overlapping run) finds the claim and posts nothing. A
post that fails releases the claim, so the retry posts it.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from talkworthy import keys
from talkworthy.dynamo import Table, call, conditional

__all__ = ["DigestLedger", "DynamoDbDigestLedger", "InMemoryDigestLedger"]


class DigestLedger(Protocol):
    def claim(self, community_id: str, week_start: date) -> bool: ...

    def release(self, community_id: str, week_start: date) -> None: ...


class InMemoryDigestLedger:
    def __init__(self) -> None:
        self.claimed: set[tuple[str, date]] = set()

    def claim(self, community_id: str, week_start: date) -> bool:
        if (community_id, week_start) in self.claimed:
            return False
        self.claimed.add((community_id, week_start))
        return True

    def release(self, community_id: str, week_start: date) -> None:
        self.claimed.discard((community_id, week_start))


class DynamoDbDigestLedger:
    def __init__(self, table: Table) -> None:
        self.table = table

    def _key(self, community_id: str, week_start: date) -> dict[str, str]:
        return {"pk": keys.health_community(community_id)["pk"], "sk": f"DIGEST#{week_start.isoformat()}"}

    def claim(self, community_id: str, week_start: date) -> bool:
        return conditional(
            self.table.put_item,
            Item=self._key(community_id, week_start),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def release(self, community_id: str, week_start: date) -> None:
        call(self.table.delete_item, Key=self._key(community_id, week_start))
