"""Notify's read model of surges, and each channel's incident digest with the notifications folded into it.

- a topic's surge, ``INCIDENT#<topic>`` / ``SURGE``: the latest Surge.* detail (open or
  resolved), the channels that have a digest, and who owns the incident (``I own this incident``:
  the person and the surge they took);
- a channel's digest, ``DIGEST#<surge>#<channel>`` / ``DIGEST``: its counters, the message ref,
  when it was last rendered;
- a folded notification, ``DIGEST#<surge>#<channel>`` / ``FOLD#<event key>``: who, the link, the
  influence, the sentiment, what routing opened.

A notification is folded in one transaction: its row (only if absent: a redelivery folds nothing)
and the digest's counters. A digest is rendered at most every ``every`` seconds per channel
(:meth:`claim_render`, a conditional write), and on every Surge.* event.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from talkworthy.catalog import SurgeDetected, SurgeResolved, SurgeUpdated
from talkworthy.dynamo import Table, call, conditional, put, query_all, transact, update

__all__ = [
    "DigestState",
    "DynamoDbIncidentStore",
    "Fold",
    "IncidentStore",
    "Surge",
    "parse_surge",
    "topic_of_surge",
]

Surge = SurgeDetected | SurgeUpdated | SurgeResolved
_MODELS: dict[str, type[Surge]] = {m.DETAIL_TYPE: m for m in (SurgeDetected, SurgeUpdated, SurgeResolved)}


def parse_surge(detail_type: str, doc: str) -> Surge:
    return _MODELS[detail_type].model_validate_json(doc)


class Fold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_key: str
    who: str
    url: str | None
    influence: int
    sentiment: str
    target_kind: str
    at: float


class DigestState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    folded: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    cases: int = 0
    ref: str | None = None


class IncidentStore(Protocol):
    def record(self, surge: Surge) -> None: ...

    def surge(self, topic: str) -> tuple[Surge, set[str]] | None: ...

    def fold(self, surge_id: str, channel: str, fold: Fold) -> bool: ...

    def claim_render(self, surge_id: str, channel: str, now: float, every: float) -> bool: ...

    def digest(self, surge_id: str, channel: str) -> tuple[DigestState, list[Fold]]: ...

    def posted(self, topic: str, surge_id: str, channel: str, ref: str) -> None: ...

    def set_owner(self, surge_id: str, owner: str) -> None: ...

    def owner(self, topic: str) -> str | None: ...


def topic_of_surge(surge_id: str) -> str:
    """``acme/complaint@5923`` -> ``acme/complaint``."""
    return surge_id.rsplit("@", 1)[0]


def _surge_key(topic: str) -> dict[str, str]:
    return {"pk": f"INCIDENT#{topic}", "sk": "SURGE"}


def _digest_pk(surge_id: str, channel: str) -> str:
    return f"DIGEST#{surge_id}#{channel}"


def _group(sentiment: str) -> str:
    return sentiment if sentiment in ("negative", "positive") else "neutral"


class DynamoDbIncidentStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, surge: Surge) -> None:
        """The newest event of a surge wins (a late Updated never reopens a resolved surge)."""
        at = surge.evidence.bucket_start.timestamp() + (1 if isinstance(surge, SurgeResolved) else 0)
        conditional(
            self._table.update_item,
            Key=_surge_key(surge.topic),
            UpdateExpression="SET surge_id = :id, detail_type = :dt, doc = :doc, evidence_at = :at",
            ConditionExpression="attribute_not_exists(pk) OR surge_id <> :id OR evidence_at < :at",
            ExpressionAttributeValues={
                ":id": surge.surge_id,
                ":dt": surge.DETAIL_TYPE,
                ":doc": surge.model_dump_json(),
                ":at": int(at),
            },
        )

    def surge(self, topic: str) -> tuple[Surge, set[str]] | None:
        item = call(self._table.get_item, Key=_surge_key(topic), ConsistentRead=True).get("Item")
        if not item:
            return None
        return parse_surge(str(item["detail_type"]), str(item["doc"])), {str(c) for c in item.get("channels", ())}

    def fold(self, surge_id: str, channel: str, fold: Fold) -> bool:
        pk = _digest_pk(surge_id, channel)
        row = {"pk": pk, "sk": f"FOLD#{fold.event_key}", "doc": fold.model_dump_json()}
        counters = f"ADD folded :one, {_group(fold.sentiment)} :one" + (
            ", cases :one" if fold.target_kind == "case" else ""
        )
        refused = transact(
            self._table,
            [
                put(row, "attribute_not_exists(pk)"),
                update({"pk": pk, "sk": "DIGEST"}, counters, {":one": 1}),
            ],
        )
        return refused is None

    def claim_render(self, surge_id: str, channel: str, now: float, every: float) -> bool:
        return conditional(
            self._table.update_item,
            Key={"pk": _digest_pk(surge_id, channel), "sk": "DIGEST"},
            UpdateExpression="SET rendered_at = :now",
            ConditionExpression="attribute_not_exists(rendered_at) OR rendered_at <= :cutoff",
            ExpressionAttributeValues={":now": int(now * 1000), ":cutoff": int((now - every) * 1000)},
        )

    def digest(self, surge_id: str, channel: str) -> tuple[DigestState, list[Fold]]:
        state: dict[str, Any] = {}
        folds: list[Fold] = []
        for item in query_all(
            self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _digest_pk(surge_id, channel)},
            ConsistentRead=True,
        ):
            if item["sk"] == "DIGEST":
                state = {
                    k: (int(v) if k != "ref" else str(v)) for k, v in item.items() if k in DigestState.model_fields
                }
            else:
                folds.append(Fold.model_validate_json(str(item["doc"])))
        return DigestState(**state), folds

    def posted(self, topic: str, surge_id: str, channel: str, ref: str) -> None:
        call(
            self._table.update_item,
            Key={"pk": _digest_pk(surge_id, channel), "sk": "DIGEST"},
            UpdateExpression="SET #ref = :ref",
            ExpressionAttributeNames={"#ref": "ref"},
            ExpressionAttributeValues={":ref": ref},
        )
        call(
            self._table.update_item,
            Key=_surge_key(topic),
            UpdateExpression="ADD channels :c",
            ExpressionAttributeValues={":c": {channel}},
        )

    def set_owner(self, surge_id: str, owner: str) -> None:
        """Who took the incident (the last click wins; a redelivery sets the same)."""
        call(
            self._table.update_item,
            Key=_surge_key(topic_of_surge(surge_id)),
            UpdateExpression="SET #owner = :owner, owner_surge = :surge",
            ExpressionAttributeNames={"#owner": "owner"},
            ExpressionAttributeValues={":owner": owner, ":surge": surge_id},
        )

    def owner(self, topic: str) -> str | None:
        """Who owns the topic's current surge (None: nobody took it, or they took an earlier one)."""
        item = call(self._table.get_item, Key=_surge_key(topic)).get("Item") or {}
        return str(item["owner"]) if item.get("owner") and item.get("owner_surge") == item.get("surge_id") else None
