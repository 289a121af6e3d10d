"""What an actionable message is about: the mention behind a case, a lead or a mention alert.

Routing writes one :class:`Subject` per target it asks people about (the text, the author, the
predicted intent and its model, the profile), so the context that performs a click has what the
action needs: the author for *mark as lead*, the text and prediction for *reclassify*, the
profile for *link to contact*. The performing context then records on it what people did
(owner, dismissed, corrected intent, decision). Writes are whole-item puts keyed by the target,
so writing the same subject twice (a redelivered event) leaves one item.
"""

from __future__ import annotations

import threading
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy import keys
from talkworthy.catalog.actions import Target
from talkworthy.dynamo import Table, call

__all__ = ["DynamoDbSubjects", "InMemorySubjects", "Subject", "SubjectStore", "subject_key"]


class Subject(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Target
    text: str
    platform: str
    author_name: str | None = None
    author_handle: str | None = None
    author_email: str | None = None
    url: str | None = None
    intent: str
    intent_model: str = ""
    intent_version: str = ""
    sentiment: float | None = None
    sentiment_label: str | None = None
    profile_id: str | None = None
    mention_key: str = ""
    owner: str | None = None
    status: Literal["open", "dismissed", "decided"] = "open"
    decision: str | None = None


def subject_key(target: Target) -> str:
    return keys.target_key(target.kind, target.system, target.id)


class SubjectStore(Protocol):
    def get(self, target: Target) -> Subject | None: ...

    def put(self, subject: Subject) -> None: ...


class DynamoDbSubjects:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, target: Target) -> Subject | None:
        found = call(self._table.get_item, Key=keys.subject(subject_key(target)), ConsistentRead=True).get("Item")
        return Subject.model_validate_json(found["doc"]) if found else None

    def put(self, subject: Subject) -> None:
        item = {**keys.subject(subject_key(subject.target)), "kind": "subject", "doc": subject.model_dump_json()}
        call(self._table.put_item, Item=item)


class InMemorySubjects:
    def __init__(self) -> None:
        self.items: dict[str, Subject] = {}
        self._lock = threading.Lock()

    def get(self, target: Target) -> Subject | None:
        with self._lock:
            return self.items.get(subject_key(target))

    def put(self, subject: Subject) -> None:
        with self._lock:
            self.items[subject_key(subject.target)] = subject
