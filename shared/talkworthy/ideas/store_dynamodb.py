"""Ideas, their notices and the dedupe bands on the mesh table (keys in :mod:`talkworthy.keys`).

An idea is one item (``IDEA#<ref>``) holding the idea as JSON plus its ``version``; a save is one
``TransactWriteItems`` conditional on every version read. A notice claim is a conditional put per
idea, status and person. A dedupe term is one item (``IDEATERM#<term>``) counting its ideas (``n``)
and listing the rare ones' refs (a string set grown with ``ADD``); each indexed idea's title and
terms are an item ``IDEAENTRY#<ref>``; both are read with ``BatchGetItem``, 100 keys a call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from talkworthy import keys
from talkworthy.dynamo import Table, batch_get, call, conditional, put, transact
from talkworthy.ideas.model import Idea
from talkworthy.ideas.terms import POSTING_CAP, TOTAL, Term

__all__ = ["DynamoDbIdeaStore", "DynamoDbTermStore"]


class DynamoDbIdeaStore:
    def __init__(self, table: Table) -> None:
        self.table = table

    def get(self, ref: str) -> Idea | None:
        item = call(self.table.get_item, Key=keys.idea(ref), ConsistentRead=True).get("Item")
        return _idea(item) if item else None

    def get_many(self, refs: Sequence[str]) -> dict[str, Idea]:
        """One consistent ``BatchGetItem`` (1 RCU per idea under 4 KB, as many ``GetItem``s would cost)."""
        found = batch_get(self.table, [keys.idea(ref) for ref in dict.fromkeys(refs)], consistent=True) if refs else []
        return {idea.ref: idea for idea in map(_idea, found)}

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


def _idea(item: Mapping[str, Any]) -> Idea:
    return Idea.model_validate_json(str(item["doc"])).model_copy(update={"version": int(item["version"])})


class DynamoDbTermStore:
    """The dedupe index (:mod:`talkworthy.ideas.terms`) on the mesh table.

    Idempotent under redelivery: the entry is put only if absent, and only the call that created it
    counts the idea in ``TOTAL`` and in the capped terms; a rare term lists the ref in a string set,
    conditionally on its not being listed yet, so a second add changes nothing. (A retry after a
    crash between the two may leave a capped term's count one short: IDF barely notices.)"""

    def __init__(self, table: Table) -> None:
        self.table = table

    def terms(self, keys_: Sequence[str]) -> dict[str, Term]:
        out: dict[str, Term] = {}
        for start in range(0, len(keys_), 100):
            chunk = [keys.idea_term(key) for key in keys_[start : start + 100]]
            for item in batch_get(self.table, chunk, consistent=False):
                term = str(item["pk"]).removeprefix(keys.IDEA_TERM)
                out[term] = Term(int(item.get("n", 0)), frozenset(item.get("refs", ())))
        return out

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        out: dict[str, Mapping[str, Any]] = {}
        for start in range(0, len(refs), 100):
            chunk = [keys.idea_entry(ref) for ref in refs[start : start + 100]]
            for item in batch_get(self.table, chunk, consistent=False):
                out[str(item["ref"])] = {
                    "title": str(item["title"]),
                    "terms": [str(t) for t in item["terms"]],
                }
        return out

    def add(self, ref: str, keys_: Sequence[str], entry: Mapping[str, Any], known: Mapping[str, Term]) -> None:
        created = conditional(
            self.table.put_item,
            Item={
                **keys.idea_entry(ref),
                "ref": ref,
                "title": entry["title"],
                "terms": list(entry["terms"]),
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        for key in [TOTAL, *keys_]:
            term = known.get(key)
            if key == TOTAL or (term is not None and term.capped):
                if created:  # only the count grows
                    self._count(key, "")
                continue
            listed = conditional(
                self.table.update_item,
                Key=keys.idea_term(key),
                UpdateExpression="ADD n :one, refs :refs",
                ConditionExpression="attribute_not_exists(refs) OR (NOT contains(refs, :ref) AND size(refs) < :cap)",
                ExpressionAttributeValues={":one": 1, ":refs": {ref}, ":ref": ref, ":cap": POSTING_CAP},
            )
            if not listed:  # listed already (a redelivery), or the list just filled up
                self._count(key, "NOT contains(refs, :ref)", ref)

    def _count(self, key: str, condition: str, ref: str = "") -> None:
        params: dict[str, Any] = {"ExpressionAttributeValues": {":one": 1}}
        if condition:
            params = {"ConditionExpression": condition, "ExpressionAttributeValues": {":one": 1, ":ref": ref}}
        conditional(self.table.update_item, Key=keys.idea_term(key), UpdateExpression="ADD n :one", **params)
