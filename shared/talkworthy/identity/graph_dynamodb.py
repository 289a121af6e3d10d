"""The identity graph on the mesh table (``MeshTable``: ``pk``/``sk``, GSI ``gsi1``, TTL ``expires_at``).

Item layout: :mod:`talkworthy.identity.graph_items`. Per mention: one ``GetItem`` per identifier
on the index and one ``Query`` on the profile's partition (profile, links, candidates and
rejections together), all strongly consistent; never a Scan. Each index entry and its link record
are written in one transaction, the index entry with ``attribute_not_exists(pk)``: that condition
is what makes profile creation race-safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Key

from talkworthy.catalog.base import utc_now
from talkworthy.identity._dynamo import (
    Action,
    Table,
    call,
    check,
    conditional,
    delete,
    put,
    query_all,
    transact,
    update,
)
from talkworthy.identity.graph import StoredIdentityGraph
from talkworthy.identity.graph_items import candidate_item, head_key, index_key, link_item, pk, read_profile
from talkworthy.identity.model import InteractionKind, Link, MergeCandidate, StoredProfile, utc_iso

__all__ = ["DynamoDbIdentityGraph", "DynamoDbProfileStore"]

_LIVE = "attribute_exists(pk) AND attribute_not_exists(merged_into)"
_ABSENT = "attribute_not_exists(pk)"
_GUARD_TTL = timedelta(days=35)
_ATTEMPTS = 5


class DynamoDbProfileStore:
    def __init__(self, table: Table, clock: Callable[[], datetime] = utc_now) -> None:
        self._table = table
        self._clock = clock

    def owner(self, ref: str) -> str | None:
        if ref.startswith("crm:"):
            gsi = Key("gsi1pk").eq(f"IDENTITY#{ref}")
            rows = call(self._table.query, IndexName="gsi1", KeyConditionExpression=gsi, Limit=1)["Items"]
            return str(rows[0]["profile_id"]) if rows else None
        item = call(self._table.get_item, Key=index_key(ref), ConsistentRead=True).get("Item")
        return str(item["profile_id"]) if item else None

    def load(self, profile_id: str) -> StoredProfile | None:
        return read_profile(profile_id, self._partition(profile_id))

    def create(self, profile_id: str, links: Sequence[Link], at: datetime) -> bool:
        head = {**head_key(profile_id), "profile_id": profile_id, "created_at": utc_iso(at)}
        actions = [put({**head, "mention_count": 0, "support_contacts": 0}, _ABSENT)]
        for link in links:
            actions += _link_actions(profile_id, link)
        return transact(self._table, actions) is None

    def add_link(self, profile_id: str, link: Link) -> bool:
        live = check(head_key(profile_id), _LIVE)
        return transact(self._table, [live, *_link_actions(profile_id, link)]) is None

    def set_crm(self, profile_id: str, link: Link, tier: str | None) -> bool:
        system, _, contact_id = link.value.partition("/")
        values = {":s": system, ":c": contact_id, ":g": f"IDENTITY#{link.ref}", ":p": pk(profile_id)}
        expression = "SET crm_system = :s, crm_contact_id = :c, gsi1pk = :g, gsi1sk = :p"
        if tier is not None:
            expression, values[":t"] = expression + ", tier = :t", tier
        condition = f"{_LIVE} AND attribute_not_exists(crm_contact_id)"
        actions = [
            update(head_key(profile_id), expression, values, condition),
            put(link_item(profile_id, link)),
        ]
        return transact(self._table, actions) is None

    def mark_crm_checked(self, profile_id: str, at: datetime) -> None:
        self._update(head_key(profile_id), "SET crm_checked_at = :at", {":at": utc_iso(at)}, "attribute_exists(pk)")

    def add_candidate(self, profile_id: str, candidate: MergeCandidate) -> None:
        call(self._table.put_item, Item=candidate_item(profile_id, candidate))

    def confirm(self, profile_id: str, ref: str, actor: str | None) -> bool:
        key = {"pk": pk(profile_id), "sk": f"LINK#{ref}"}
        values = {":t": True, ":a": actor}
        return self._update(key, "SET confirmed = :t, confirmed_by = :a", values, "attribute_exists(pk)")

    def remove_link(self, profile_id: str, link: Link, *, reject: bool, actor: str | None, at: datetime) -> bool:
        actions = [delete({"pk": pk(profile_id), "sk": f"LINK#{link.ref}"}, "attribute_exists(pk)")]
        if link.kind == "crm":
            actions.append(update(head_key(profile_id), "REMOVE crm_system, crm_contact_id, tier, gsi1pk, gsi1sk"))
        else:
            actions.append(delete(index_key(link.ref), "profile_id = :p", {":p": profile_id}))
        if reject:
            item = {"pk": pk(profile_id), "sk": f"REJECTED#{link.ref}", "actor": actor, "at": utc_iso(at)}
            actions.append(put(item))
        return transact(self._table, actions) is None

    def tombstone(self, source: str, target: str, actor: str, at: datetime) -> bool:
        """One transaction: the tombstone on ``source`` (only while its counters are what was read)
        and those counters added to ``target``; a concurrent count makes it read and try again."""
        for _ in range(_ATTEMPTS):
            src, dst = self._head(source), self._head(target)
            if src is None or dst is None or "merged_into" in src or "merged_into" in dst:
                return False
            counts = {":m": src.get("mention_count", 0), ":s": src.get("support_contacts", 0)}
            mark = update(
                head_key(source),
                "SET merged_into = :into, merged_by = :by, merged_at = :at",
                {":into": target, ":by": actor, ":at": utc_iso(at), **counts},
                f"{_LIVE} AND mention_count = :m AND support_contacts = :s",
            )
            expression, values, condition = "ADD mention_count :m, support_contacts :s", dict(counts), _LIVE
            latest = src.get("last_support_at")
            if latest and latest > dst.get("last_support_at", ""):
                expression += " SET last_support_at = :l"
                condition += " AND (attribute_not_exists(last_support_at) OR last_support_at < :l)"
                values[":l"] = latest
            if transact(self._table, [mark, update(head_key(target), expression, values, condition)]) is None:
                return True
        return False

    def move_link(self, source: str, target: str, link: Link) -> None:
        moves = [put(link_item(target, link)), delete({"pk": pk(source), "sk": f"LINK#{link.ref}"})]
        values = {":t": target, ":s": source}
        repoint = update(index_key(link.ref), "SET profile_id = :t", values, "profile_id = :s")
        if transact(self._table, [repoint, *moves]) is not None:
            transact(self._table, moves)  # the index no longer points at the source: move the record only

    def move_notes(self, source: str, target: str) -> None:
        for item in self._partition(source):
            sk = str(item["sk"])
            if not sk.startswith(("CANDIDATE#", "REJECTED#")):
                continue
            if sk != f"CANDIDATE#{target}":
                call(self._table.put_item, Item={**item, "pk": pk(target)})
            call(self._table.delete_item, Key={"pk": pk(source), "sk": sk})
        call(self._table.delete_item, Key={"pk": pk(target), "sk": f"CANDIDATE#{source}"})

    def count(self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None) -> bool:
        """``ADD`` to the counter, with the event key's guard in the same transaction; a profile
        merged meanwhile makes the count follow its tombstone."""
        counter = "mention_count" if kind == "mention" else "support_contacts"
        current = profile_id
        for _ in range(_ATTEMPTS):
            actions = [update(head_key(current), f"ADD {counter} :one", {":one": 1}, _LIVE)]
            if event_key is not None:
                expires = int((self._clock() + _GUARD_TTL).timestamp())
                guard = {"pk": f"INTERACTION#{event_key}", "sk": "INTERACTION", "expires_at": expires}
                actions.insert(0, put({**guard, "profile_id": current}, _ABSENT))
            codes = transact(self._table, actions)
            if codes is None:
                if kind == "support_contact":
                    later = "attribute_not_exists(last_support_at) OR last_support_at < :at"
                    self._update(head_key(current), "SET last_support_at = :at", {":at": utc_iso(at)}, later)
                return True
            if event_key is not None and codes[0] == "ConditionalCheckFailed":
                return False
            head = self._head(current)
            current = str(head["merged_into"]) if head and "merged_into" in head else current
        return False

    # -- reads and single writes ---------------------------------------------------------------

    def _head(self, profile_id: str) -> dict[str, Any] | None:
        found = call(self._table.get_item, Key=head_key(profile_id), ConsistentRead=True)
        item: dict[str, Any] | None = found.get("Item")
        return item

    def _partition(self, profile_id: str) -> list[dict[str, Any]]:
        return list(query_all(self._table, KeyConditionExpression=Key("pk").eq(pk(profile_id)), ConsistentRead=True))

    def _update(self, key: dict[str, str], expression: str, values: dict[str, Any], condition: str) -> bool:
        return conditional(
            self._table.update_item,
            Key=key,
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
            ConditionExpression=condition,
        )


def _link_actions(profile_id: str, link: Link) -> list[Action]:
    index = {**index_key(link.ref), "profile_id": profile_id, "created_at": utc_iso(link.created_at)}
    return [put(index, _ABSENT), put(link_item(profile_id, link))]


class DynamoDbIdentityGraph(StoredIdentityGraph):
    """The identity graph on the mesh table (boto3 ``Table`` resource injected)."""

    def __init__(
        self,
        table: Table,
        *,
        clock: Callable[[], datetime] = utc_now,
        crm_recheck: timedelta = timedelta(hours=24),
    ) -> None:
        super().__init__(DynamoDbProfileStore(table, clock), clock=clock, crm_recheck=crm_recheck)
