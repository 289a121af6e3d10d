"""The identity graph on the mesh table (``MeshTable``: ``pk``/``sk``, GSI ``gsi1``, TTL ``expires_at``).

Item layout: :mod:`talkworthy.identity.graph_items`. Reads are strongly consistent ``GetItem``s of
index entries and ``Query``s of one profile's partition (profile, candidates and rejections
together; 1 RCU while it stays under 4 KB); never a Scan.

What a mention costs (items well under 1 KB; each item in a transaction costs 2 WCU):

* a known author: ``GetItem`` of the handle's entry and a ``Query`` of its profile (2 RCU); the
  e-mail's entry only when the profile does not already hold that e-mail (+1 RCU). No write.
* a new author: the index entries, each ``attribute_not_exists(pk)`` (that condition is what makes
  creation race-safe: of two racing creators one wins, the other re-reads), then the profile item
  with its links and, when the source supplied an e-mail, the CRM link or "checked" mark decided
  before creating. Handle only: 2 single writes (2 WCU); handle and e-mail: the two entries in one
  transaction, then the profile (5 WCU, +1 on ``gsi1`` when a CRM contact is linked). Nothing is read
  back: the graph knows what it wrote. A crash between the entries and the profile item leaves
  entries that carry the profile item (``creating``); the next reader writes it from there
  (:meth:`DynamoDbProfileStore.finish_create`), ``attribute_not_exists`` so the creator and a
  repairer cannot both win.
* a known author gaining an e-mail, or a new handle joining a profile by e-mail: one transaction of
  the entry and the profile item's new link (4 WCU); a later CRM link is one update (1 WCU, +1 on
  ``gsi1``), and a CRM check that finds nothing one update (1 WCU), at most once per recheck period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Key

from talkworthy import keys
from talkworthy.catalog.base import utc_now
from talkworthy.dynamo import (
    Action,
    Table,
    call,
    conditional,
    delete,
    put,
    query_all,
    transact,
    update,
)
from talkworthy.identity.graph import StoredIdentityGraph
from talkworthy.identity.graph_items import (
    candidate_item,
    creation_record,
    head_from_record,
    head_item,
    link_value,
    read_profile,
)
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
            gsi = Key("gsi1pk").eq(keys.crm_link_gsi(ref))
            rows = call(self._table.query, IndexName="gsi1", KeyConditionExpression=gsi, Limit=1)["Items"]
            return str(rows[0]["profile_id"]) if rows else None
        item = call(self._table.get_item, Key=keys.identity(ref), ConsistentRead=True).get("Item")
        return str(item["profile_id"]) if item else None

    def load(self, profile_id: str) -> StoredProfile | None:
        return read_profile(profile_id, self._partition(profile_id))

    def create(self, stored: StoredProfile, at: datetime) -> bool:
        head = head_item(stored, at)
        record = {"profile_id": stored.profile_id, "created_at": utc_iso(at), "creating": creation_record(head)}
        entries = [{**keys.identity(link.ref), **record} for link in stored.profile.links if link.kind != "crm"]
        if len(entries) == 1:
            won = conditional(self._table.put_item, Item=entries[0], ConditionExpression=_ABSENT)
        else:
            won = transact(self._table, [put(entry, _ABSENT) for entry in entries]) is None
        if won:  # absent: unless a reader already finished it from ``creating`` (the same item)
            conditional(self._table.put_item, Item=head, ConditionExpression=_ABSENT)
        return won

    def finish_create(self, ref: str) -> bool:
        entry = call(self._table.get_item, Key=keys.identity(ref), ConsistentRead=True).get("Item")
        if not entry or "creating" not in entry:
            return False
        head = head_from_record(str(entry["profile_id"]), entry["creating"])
        conditional(self._table.put_item, Item=head, ConditionExpression=_ABSENT)
        return True

    def add_link(self, profile_id: str, link: Link) -> bool:
        index = {**keys.identity(link.ref), "profile_id": profile_id, "created_at": utc_iso(link.created_at)}
        actions = [put(index, _ABSENT), _set_link(profile_id, link, _LIVE)]
        return transact(self._table, actions) is None

    def set_crm(self, profile_id: str, link: Link, tier: str | None) -> bool:
        system, _, contact_id = link.value.partition("/")
        values = {
            ":s": system,
            ":c": contact_id,
            ":g": keys.crm_link_gsi(link.ref),
            ":p": keys.profile_pk(profile_id),
            ":l": link_value(link),
        }
        expression = "SET crm_system = :s, crm_contact_id = :c, gsi1pk = :g, gsi1sk = :p, links.#r = :l"
        if tier is not None:
            expression, values[":t"] = expression + ", tier = :t", tier
        condition = f"{_LIVE} AND attribute_not_exists(crm_contact_id)"
        return self._update(keys.profile(profile_id), expression, values, condition, {"#r": link.ref})

    def mark_crm_checked(self, profile_id: str, at: datetime) -> None:
        self._update(keys.profile(profile_id), "SET crm_checked_at = :at", {":at": utc_iso(at)}, "attribute_exists(pk)")

    def add_candidate(self, profile_id: str, candidate: MergeCandidate) -> None:
        call(self._table.put_item, Item=candidate_item(profile_id, candidate))

    def confirm(self, profile_id: str, ref: str, actor: str | None) -> bool:
        values = {":t": True, ":a": actor}
        expression = "SET links.#r.confirmed = :t, links.#r.confirmed_by = :a"
        return self._update(keys.profile(profile_id), expression, values, "attribute_exists(links.#r)", {"#r": ref})

    def remove_link(self, profile_id: str, link: Link, *, reject: bool, actor: str | None, at: datetime) -> bool:
        expression = "REMOVE links.#r"
        if link.kind == "crm":
            expression += ", crm_system, crm_contact_id, tier, gsi1pk, gsi1sk"
        names = {"#r": link.ref}
        unlink = update(keys.profile(profile_id), expression, None, "attribute_exists(links.#r)", names)
        actions = [unlink]
        if link.kind != "crm":
            actions.append(delete(keys.identity(link.ref), "profile_id = :p", {":p": profile_id}))
        if reject:
            item = {**keys.rejected(profile_id, link.ref), "actor": actor, "at": utc_iso(at)}
            actions.append(put(item))
        if len(actions) == 1:
            return conditional(
                self._table.update_item,
                Key=keys.profile(profile_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(links.#r)",
                ExpressionAttributeNames=names,
            )
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
                keys.profile(source),
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
            if transact(self._table, [mark, update(keys.profile(target), expression, values, condition)]) is None:
                return True
        return False

    def move_link(self, source: str, target: str, link: Link) -> None:
        moves = [
            _set_link(target, link),
            update(keys.profile(source), "REMOVE links.#r", names={"#r": link.ref}),
        ]
        values = {":t": target, ":s": source}
        repoint = update(keys.identity(link.ref), "SET profile_id = :t REMOVE creating", values, "profile_id = :s")
        if transact(self._table, [repoint, *moves]) is not None:
            transact(self._table, moves)  # the index no longer points at the source: move the link only

    def move_notes(self, source: str, target: str) -> None:
        for item in self._partition(source):
            sk = str(item["sk"])
            if not sk.startswith((keys.CANDIDATE, keys.REJECTED)):
                continue
            if sk != keys.candidate(source, target)["sk"]:
                call(self._table.put_item, Item={**item, "pk": keys.profile_pk(target)})
            call(self._table.delete_item, Key={"pk": keys.profile_pk(source), "sk": sk})
        call(self._table.delete_item, Key=keys.candidate(target, source))

    def count(self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None) -> bool:
        """``ADD`` to the counter, with the event key's guard in the same transaction; a profile
        merged meanwhile makes the count follow its tombstone."""
        counter = "mention_count" if kind == "mention" else "support_contacts"
        current = profile_id
        for _ in range(_ATTEMPTS):
            actions = [update(keys.profile(current), f"ADD {counter} :one", {":one": 1}, _LIVE)]
            if event_key is not None:
                expires = int((self._clock() + _GUARD_TTL).timestamp())
                guard = {**keys.interaction(event_key), "expires_at": expires}
                actions.insert(0, put({**guard, "profile_id": current}, _ABSENT))
            codes = transact(self._table, actions)
            if codes is None:
                if kind == "support_contact":
                    later = "attribute_not_exists(last_support_at) OR last_support_at < :at"
                    self._update(keys.profile(current), "SET last_support_at = :at", {":at": utc_iso(at)}, later)
                return True
            if event_key is not None and codes[0] == "ConditionalCheckFailed":
                return False
            head = self._head(current)
            current = str(head["merged_into"]) if head and "merged_into" in head else current
        return False

    # -- reads and single writes ---------------------------------------------------------------

    def _head(self, profile_id: str) -> dict[str, Any] | None:
        found = call(self._table.get_item, Key=keys.profile(profile_id), ConsistentRead=True)
        item: dict[str, Any] | None = found.get("Item")
        return item

    def _partition(self, profile_id: str) -> list[dict[str, Any]]:
        return list(
            query_all(
                self._table, KeyConditionExpression=Key("pk").eq(keys.profile_pk(profile_id)), ConsistentRead=True
            )
        )

    def _update(
        self,
        key: dict[str, str],
        expression: str,
        values: dict[str, Any],
        condition: str,
        names: dict[str, str] | None = None,
    ) -> bool:
        return conditional(
            self._table.update_item,
            Key=key,
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
            ConditionExpression=condition,
            **({"ExpressionAttributeNames": names} if names else {}),
        )


def _set_link(profile_id: str, link: Link, condition: str | None = None) -> Action:
    """Put ``link`` into the profile item's ``links`` map (under its ref)."""
    return update(keys.profile(profile_id), "SET links.#r = :l", {":l": link_value(link)}, condition, {"#r": link.ref})


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
