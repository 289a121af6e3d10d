"""Labelled examples from people: a message's intent as predicted, and as a person corrected it.

Each :class:`Correction` keeps what a learner needs (the text, the predicted and corrected label,
the model and version that predicted, who corrected and when). It is stored once per ``key`` (the
``Action.Taken`` event key): a redelivered click adds nothing. Every click is kept; what the
retraining command learns from is :func:`latest_per_target`: a mention corrected twice counts
once, as people last said.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Protocol

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict, Field

from talkworthy import keys
from talkworthy.catalog.mention import IntentLabel
from talkworthy.dynamo import Table, conditional, query_all

__all__ = ["Correction", "CorrectionsStore", "DynamoDbCorrections", "InMemoryCorrections", "latest_per_target"]


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1)
    text: str
    predicted: IntentLabel
    corrected: IntentLabel
    model: str
    model_version: str
    corrected_by: str
    corrected_at: datetime
    target: str


class CorrectionsStore(Protocol):
    def record(self, correction: Correction) -> bool:
        """Store it; ``False`` if a correction with its key is already stored."""
        ...

    def all(self) -> list[Correction]:
        """Every correction, oldest first."""
        ...


class DynamoDbCorrections:
    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, correction: Correction) -> bool:
        item = {
            **keys.correction(correction.key),
            "kind": "correction",
            "gsi1pk": keys.CORRECTIONS_GSI,
            "gsi1sk": f"{correction.corrected_at.isoformat()}#{correction.key}",
            "doc": correction.model_dump_json(),
        }
        return conditional(self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)")

    def all(self) -> list[Correction]:
        rows = query_all(self._table, IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(keys.CORRECTIONS_GSI))
        return [Correction.model_validate_json(row["doc"]) for row in rows]


class InMemoryCorrections:
    def __init__(self) -> None:
        self._items: dict[str, Correction] = {}
        self._lock = threading.Lock()

    def record(self, correction: Correction) -> bool:
        with self._lock:
            if correction.key in self._items:
                return False
            self._items[correction.key] = correction
            return True

    def all(self) -> list[Correction]:
        with self._lock:
            return sorted(self._items.values(), key=lambda c: (c.corrected_at, c.key))


def latest_per_target(corrections: list[Correction]) -> list[Correction]:
    """One correction per corrected message (its latest), oldest first."""
    latest: dict[str, Correction] = {}
    for correction in sorted(corrections, key=lambda c: (c.corrected_at, c.key)):
        latest[correction.target] = correction
    return sorted(latest.values(), key=lambda c: (c.corrected_at, c.key))
