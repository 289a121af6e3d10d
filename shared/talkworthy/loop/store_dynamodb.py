"""The loop store on the mesh table.

``ORIGIN#<system>:<id>`` holds a case's origin (one item per record the case is known as, each a
whole-item put, so a redelivered ``Case.Opened`` rewrites the same items). ``LOOP#<system>:<id>``
is the case's closure: one conditional put (``attribute_not_exists``) claims it, and a refused
claim hands back the closure that won (``ReturnValuesOnConditionCheckFailure``), at no extra read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from talkworthy import dynamo, keys
from talkworthy.catalog.cases import RecordRef
from talkworthy.loop.store import Closure, OriginRecord, ref_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = ["DynamoDbLoopStore"]


class DynamoDbLoopStore:
    def __init__(self, table: Table, *, keep_days: int = 400) -> None:
        self._table = table
        self._keep = keep_days * 86_400

    def record_origin(self, record: OriginRecord) -> None:
        doc = record.model_dump_json()
        expires = int(datetime.now().timestamp()) + self._keep
        for ref in [record.case, *record.origin.known_as]:
            item = {**keys.origin(ref_key(ref)), "kind": "origin", "doc": doc, "expires_at": expires}
            dynamo.call(self._table.put_item, Item=item)

    def find_origin(self, refs: Sequence[RecordRef]) -> OriginRecord | None:
        wanted = [keys.origin(ref_key(ref)) for ref in refs]
        found = {item["pk"]: item for item in dynamo.batch_get(self._table, wanted, consistent=True)}
        for key in wanted:
            if key["pk"] in found:
                return OriginRecord.model_validate_json(found[key["pk"]]["doc"])
        return None

    def claim(self, case: RecordRef, event_key: str, ticket: RecordRef, at: datetime) -> Closure:
        closure = Closure(case=case, event_key=event_key, ticket=ticket, claimed_at=at)
        item = {
            **keys.loop(ref_key(case)),
            "kind": "loop",
            "doc": closure.model_dump_json(),
            "expires_at": int(at.timestamp()) + self._keep,
        }
        written, current = dynamo.write_or_current(
            self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )
        if written or current is None:
            return closure
        return Closure.model_validate_json(current["doc"])

    def closure(self, case: RecordRef) -> Closure | None:
        found = dynamo.call(self._table.get_item, Key=keys.loop(ref_key(case)), ConsistentRead=True).get("Item")
        return Closure.model_validate_json(found["doc"]) if found else None

    def _update(self, case: RecordRef, **changes: Any) -> None:
        current = self.closure(case)
        if current is None:
            return
        closure = current.model_copy(update=changes)
        key = keys.loop(ref_key(case))
        dynamo.call(
            self._table.update_item,
            Key=key,
            UpdateExpression="SET #doc = :doc",
            ExpressionAttributeNames={"#doc": "doc"},
            ExpressionAttributeValues={":doc": closure.model_dump_json()},
        )

    def told(self, case: RecordRef, loop_closed: str, survey: str | None) -> None:
        self._update(case, loop_closed=loop_closed, survey=survey)

    def survey_done(self, case: RecordRef) -> None:
        self._update(case, survey=None)
