"""The Slack messages notify posted, kept so a later action can update them in place.

A :class:`SentMessage` holds the blocks as first posted, the target, the actions still offered and
the notes added since ("Claimed by …"). Updating a message is a pure function of this state
(``render_update``), and each note is added once per event key, so a redelivered
``Action.Completed`` updates the message to the same blocks. A second index item per target finds
the message of a target clicked from elsewhere (an e-mail link).
"""

from __future__ import annotations

import threading
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy import keys
from talkworthy.catalog.actions import ActionName, Target
from talkworthy.dynamo import Table, batch_put, call
from talkworthy.notify.slack import Block

__all__ = ["DynamoDbSentMessages", "InMemorySentMessages", "Note", "SentMessage", "SentMessages"]


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_key: str
    text: str
    user_id: str | None = None


class SentMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    text: str
    blocks: list[Block]
    target: Target
    actions: list[ActionName]
    intent: str | None = None
    argument: str | None = None
    notes: list[Note] = []
    placement: str = "message"  # ActionRequested.placement: only the target's own message is found by its target


def _target(target: Target) -> str:
    return keys.target_key(target.kind, target.system, target.id)


class SentMessages(Protocol):
    def get(self, ref: str) -> SentMessage | None: ...

    def of_target(self, target: Target) -> SentMessage | None: ...

    def put(self, message: SentMessage) -> None:
        """Keep ``message``; the target's own message (``placement == "message"``) is also the one
        :meth:`of_target` finds (thread replies and copies sent elsewhere are found by their ref)."""
        ...

    def fold(self, target: Target, surge_id: str) -> None:
        """The target's own message was folded into a surge's incident digest instead of posted."""
        ...

    def folded_into(self, target: Target) -> str | None:
        """The surge whose digest the target's own message was folded into, if it was."""
        ...


class DynamoDbSentMessages:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, ref: str) -> SentMessage | None:
        found = call(self._table.get_item, Key=keys.message(ref), ConsistentRead=True).get("Item")
        return SentMessage.model_validate_json(found["doc"]) if found else None

    def of_target(self, target: Target) -> SentMessage | None:
        found = call(self._table.get_item, Key=keys.message_of_target(_target(target)), ConsistentRead=True)
        ref = found.get("Item", {}).get("ref")
        return self.get(str(ref)) if ref else None

    def put(self, message: SentMessage) -> None:
        """The message, and for the target's own message its target's index item: one
        ``BatchWriteItem`` (both puts are unconditional; the same write units as two ``PutItem``s)."""
        items = [{**keys.message(message.ref), "kind": "message", "doc": message.model_dump_json()}]
        if message.placement == "message":
            target = {**keys.message_of_target(_target(message.target)), "kind": "message_target", "ref": message.ref}
            items.append(target)
        batch_put(self._table, items)

    def fold(self, target: Target, surge_id: str) -> None:
        call(
            self._table.update_item,
            Key=keys.message_of_target(_target(target)),
            UpdateExpression="SET kind = :k, folded = :s",
            ExpressionAttributeValues={":k": "message_target", ":s": surge_id},
        )

    def folded_into(self, target: Target) -> str | None:
        found = call(self._table.get_item, Key=keys.message_of_target(_target(target)), ConsistentRead=True)
        folded = found.get("Item", {}).get("folded")
        return str(folded) if folded else None


class InMemorySentMessages:
    def __init__(self) -> None:
        self.messages: dict[str, SentMessage] = {}
        self._targets: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, ref: str) -> SentMessage | None:
        with self._lock:
            return self.messages.get(ref)

    def of_target(self, target: Target) -> SentMessage | None:
        with self._lock:
            ref = self._targets.get(_target(target))
            return self.messages.get(ref) if ref else None

    def put(self, message: SentMessage) -> None:
        with self._lock:
            self.messages[message.ref] = message
            if message.placement == "message":
                self._targets[_target(message.target)] = message.ref

    def fold(self, target: Target, surge_id: str) -> None:
        with self._lock:
            self._folded[_target(target)] = surge_id

    def folded_into(self, target: Target) -> str | None:
        with self._lock:
            return self._folded.get(_target(target))
