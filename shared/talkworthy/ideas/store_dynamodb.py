"""Ideas, their notices and the dedupe bands on the mesh table (keys in :mod:`talkworthy.keys`).

An idea is one item (``IDEA#<ref>``) holding the idea as JSON plus its ``version``; a save is one
``TransactWriteItems`` conditional on every version read. A notice claim is a conditional put per
idea, status and person. A band bucket is one item (``IDEABAND#<band>:<hash>``) whose string set
``refs`` grows with ``ADD`` (idempotent); each idea's signature is an item ``IDEASIG#<ref>`` read
with the buckets' members in one ``BatchGetItem`` per 100.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from typing import Any

from talkworthy import keys
from talkworthy.dynamo import Table, batch_get, call, conditional, put, transact
from talkworthy.ideas.model import Idea

__all__ = ["DynamoDbBandStore", "DynamoDbIdeaStore"]


class DynamoDbIdeaStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, ref: str) -> Idea | None:
        item = call(self.table.get_item, Key=keys.idea(ref), ConsistentRead=True).get("Item")
        if not item:
            return None
        return Idea.model_validate_json(str(item["doc"])).model_copy(update={"version": int(item["version"])})

    def save(self, ideas: Sequence[Idea]) -> bool:
        actions = []
        for idea in ideas:
            item = {
                **keys.idea(idea.ref),
                "version": idea.version + 1,
                "status": idea.status,
                "doc": idea.model_dump_json(exclude={"version"}),
            }
            if idea.merged_into:
                item["merged_into"] = idea.merged_into
            if idea.version == 0:
                actions.append(put(item, "attribute_not_exists(pk)"))
            else:
                actions.append(
                    (
                        "Put",
                        {
                            "Item": item,
                            "ConditionExpression": "version = :v",
                            "ExpressionAttributeValues": {":v": idea.version},
                        },
                    )
                )
        return transact(self.table, actions) is None

    def claim_notice(self, ref: str, status: str, person: str, event_key: str) -> bool:
        return conditional(
            self.table.put_item,
            Item={**keys.idea_notice(ref, status, person), "event_key": event_key},
            ConditionExpression="attribute_not_exists(pk) OR event_key = :k",
            ExpressionAttributeValues={":k": event_key},
        )


class DynamoDbBandStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def members(self, bucket_keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for item in batch_get(self.table, [keys.idea_band(k) for k in bucket_keys], consistent=False):
            found |= set(item.get("refs", ()))
        return found

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        out: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(refs), 100):
            chunk = [keys.idea_signature(ref) for ref in refs[start : start + 100]]
            for item in batch_get(self.table, chunk, consistent=False):
                raw = bytes(item["sig"])
                out[str(item["ref"])] = {"title": item["title"], "sig": struct.unpack(f"<{len(raw) // 4}I", raw)}
        return out

    def add(self, ref: str, bucket_keys: Sequence[str], entry: Mapping[str, Any]) -> None:
        sig = struct.pack(f"<{len(entry['sig'])}I", *entry["sig"])
        call(self.table.put_item, Item={**keys.idea_signature(ref), "ref": ref, "title": entry["title"], "sig": sig})
        for key in bucket_keys:
            call(
                self.table.update_item,
                Key=keys.idea_band(key),
                UpdateExpression="ADD refs :r",
                ExpressionAttributeValues={":r": {ref}},
            )

    def remove(self, ref: str, bucket_keys: Sequence[str]) -> None:
        for key in bucket_keys:
            call(
                self.table.update_item,
                Key=keys.idea_band(key),
                UpdateExpression="DELETE refs :r",
                ExpressionAttributeValues={":r": {ref}},
            )
        call(self.table.delete_item, Key=keys.idea_signature(ref))
