"""DynamoDB ``Query`` in moto at the cost of what it reads, not of the table (README, moto gaps).

moto's ``Table.query`` takes every item of the table, sorted (``all_items``), then keeps those
whose keys match and sorts them again: each query's cost grows with the whole table's history.
DynamoDB reads one partition of the table or of the index. Here, during a query, ``all_items``
yields only the items that can match:

- a query of the base table: the items of its partition (``Table.items[hash]``);
- a query of a global secondary index: the items whose index hash key has the queried value, from
  postings (index hash value -> the table keys of the items carrying it) kept up to date by every
  write: ``Table.put_item`` and ``Table.delete_item`` (which ``PutItem``, ``DeleteItem``,
  ``BatchWriteItem``, transactions and PartiQL go through) and ``UpdateItem`` (which changes an
  item in place). A GSI's postings are built from the table on its first query.

moto's own code does everything else as before: the key conditions, the sparse index (items without
the index's keys), sort order and ``ScanIndexForward``, ``Limit`` and ``ExclusiveStartKey``, the
projection, filter expressions. So every answer is the one moto gave; AWS needs none of this. Local
secondary indexes and queries without an equality on the index hash key are left to moto.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

__all__ = ["install"]

SetAttribute = Callable[[Any, str, Any], None]
Key = tuple[Any, Any]  # (hash DynamoType, range DynamoType or None): an item's place in Table.items

_QUERYING: ContextVar[tuple[Any, list[Any]] | None] = ContextVar("talkworthy_moto_query", default=None)


class _Postings:
    """One GSI's items by their index hash value (the items of each index partition)."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute
        self.by_value: dict[Any, dict[Key, None]] = {}  # an insertion-ordered set of table keys
        self.of_key: dict[Key, Any] = {}

    def place(self, key: Key, item: Any) -> None:
        value = item.attrs.get(self.attribute) if item is not None else None
        old = self.of_key.get(key)
        if old is not None and value is not None and old == value:
            return
        if old is not None:
            bucket = self.by_value[old]
            del bucket[key]
            if not bucket:
                del self.by_value[old]
            del self.of_key[key]
        if value is not None:
            self.by_value.setdefault(value, {})[key] = None
            self.of_key[key] = value


_POSTINGS: weakref.WeakKeyDictionary[Any, dict[str, _Postings]] = weakref.WeakKeyDictionary()


def _stored(table: Any, key: Key) -> Any:
    partition = table.items.get(key[0])  # .get: the table's defaultdict must not grow
    if partition is None or not table.range_key_attr:
        return partition
    return partition.get(key[1])


def _each_item(table: Any) -> Any:
    for hash_value, partition in list(table.items.items()):
        if table.range_key_attr:
            for range_value, item in list(partition.items()):
                yield (hash_value, range_value), item
        else:
            yield (hash_value, None), partition


def _postings(table: Any, index: Any) -> _Postings:
    attribute = next(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH")
    of_table = _POSTINGS.setdefault(table, {})
    postings = of_table.get(index.name)
    if postings is None or postings.attribute != attribute:  # first query, or the index was replaced
        postings = _Postings(attribute)
        for key, item in _each_item(table):
            postings.place(key, item)
        of_table[index.name] = postings
    return postings


def _reindex(table: Any, key: Key) -> None:
    for postings in _POSTINGS.get(table, {}).values():
        postings.place(key, _stored(table, key))


def _candidates(table: Any, index_name: str | None, hash_key: Any, conditions: list[Any] | None) -> list[Any] | None:
    """The items a query can match (moto sorts them by their full keys), or None to leave the
    query to moto."""
    if not index_name:
        return _partition(table, hash_key)
    index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
    if index is None:
        return None  # a local secondary index, or an unknown name (moto's own error)
    postings = _postings(table, index)
    wanted = dict(conditions or []).get(postings.attribute)
    if wanted is None:
        return None
    stored = (_stored(table, key) for key in postings.by_value.get(wanted, {}))
    return [item for item in stored if item is not None]


def _partition(table: Any, hash_key: Any) -> list[Any]:
    stored = table.items.get(hash_key) if hash_key is not None else None
    if stored is None:
        return []
    return list(stored.values()) if table.range_key_attr else [stored]


def query_what_can_match(set_attribute: SetAttribute = setattr) -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    query = getattr(Table.query, "__wrapped__", Table.query)
    all_items = getattr(Table.all_items, "__wrapped__", Table.all_items)
    put_item = getattr(Table.put_item, "__wrapped__", Table.put_item)
    delete_item = getattr(Table.delete_item, "__wrapped__", Table.delete_item)
    update_item = getattr(DynamoDBBackend.update_item, "__wrapped__", DynamoDBBackend.update_item)

    @functools.wraps(query)
    def query_reading_what_can_match(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        candidates = _candidates(self, index_name, hash_key, kwargs.get("hash_key_conditions"))
        if candidates is None:
            return query(self, hash_key, *args, **kwargs)
        token = _QUERYING.set((self, candidates))
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            _QUERYING.reset(token)

    @functools.wraps(all_items)
    def items_that_can_match(self: Any) -> list[Any]:
        querying = _QUERYING.get()
        if querying is None or querying[0] is not self:
            return list(all_items(self))
        return list(querying[1])

    @functools.wraps(put_item)
    def put_item_indexed(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = put_item(self, *args, **kwargs)
        _reindex(self, (item.hash_key, item.range_key))
        return item

    @functools.wraps(delete_item)
    def delete_item_indexed(self: Any, hash_key: Any, range_key: Any) -> Any:
        try:
            return delete_item(self, hash_key, range_key)
        finally:
            _reindex(self, (hash_key, range_key if self.range_key_attr else None))

    @functools.wraps(update_item)
    def update_item_indexed(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return update_item(self, table_name, key, *args, **kwargs)
        finally:  # in place, and possibly part-way when it failed
            table = self.tables.get(table_name)
            if table is not None and table in _POSTINGS and table.hash_key_attr in key:
                range_value = key.get(table.range_key_attr) if table.range_key_attr else None
                _reindex(
                    table,
                    (DynamoType(key[table.hash_key_attr]), DynamoType(range_value) if range_value else None),
                )

    set_attribute(Table, "query", query_reading_what_can_match)
    set_attribute(Table, "all_items", items_that_can_match)
    set_attribute(Table, "put_item", put_item_indexed)
    set_attribute(Table, "delete_item", delete_item_indexed)
    set_attribute(DynamoDBBackend, "update_item", update_item_indexed)


install = query_what_can_match
