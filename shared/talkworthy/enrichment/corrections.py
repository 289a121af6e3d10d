"""Intent corrections: a person's fix of a label, kept as a labelled example for the next model version.

One correction per mention (``pk=INTENT_CORRECTION``, ``sk=MENTION#<event key>``): recording the
same click twice (a redelivered action) writes the same item, and a later correction of the same
mention replaces the earlier one, so the store holds what people last said. The retraining command
reads them all (:meth:`CorrectionStore.all`) and reports the model's accuracy on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from talkworthy.catalog.mention import IntentLabel

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = ["Correction", "CorrectionStore", "DynamoDbCorrectionStore", "InMemoryCorrectionStore"]

PK = "INTENT_CORRECTION"


class Correction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mention_key: str = Field(min_length=1, max_length=500, description="the mention's event key")
    text: str = Field(min_length=1, max_length=40_000)
    predicted: IntentLabel
    corrected: IntentLabel
    model_version: str = Field(min_length=1, description="provider/model/version that predicted")
    corrected_by: str = Field(min_length=1, max_length=200, description="who, e.g. slack:U0123")
    corrected_at: AwareDatetime


class CorrectionStore(Protocol):
    def record(self, correction: Correction) -> None: ...

    def all(self) -> list[Correction]: ...


class InMemoryCorrectionStore:
    """A fake for tests and the local demo: same keying as the DynamoDB store."""

    def __init__(self) -> None:
        self._items: dict[str, Correction] = {}

    def record(self, correction: Correction) -> None:
        self._items[correction.mention_key] = correction

    def all(self) -> list[Correction]:
        return sorted(self._items.values(), key=lambda c: c.corrected_at)


class DynamoDbCorrectionStore:
    """Corrections on the mesh table, one partition (corrections are people's clicks: thousands, not millions)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, correction: Correction) -> None:
        item = correction.model_dump(mode="json")
        self._table.put_item(Item={"pk": PK, "sk": f"MENTION#{correction.mention_key}", **item})

    def all(self) -> list[Correction]:
        return sorted(self._scan(), key=lambda c: c.corrected_at)

    def _scan(self) -> Iterator[Correction]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": PK},
        }
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                fields = {k: v for k, v in item.items() if k not in {"pk", "sk"}}
                fields["corrected_at"] = datetime.fromisoformat(str(fields["corrected_at"]))
                yield Correction.model_validate(fields)
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
