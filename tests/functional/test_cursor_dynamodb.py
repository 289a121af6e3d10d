"""DynamoDbCursorStore against moto, on MeshTable created from template.yaml (pk / sk, both S)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from talkworthy.errors import ConfigurationError, RetryableError
from talkworthy.pollers.cursor import CursorState, DynamoDbCursorStore

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def table(mesh_table: Any) -> Any:
    """MeshTable as provisioned from template.yaml by tests/functional/conftest.py (pk / sk, both S)."""
    return mesh_table


def test_unknown_feed_has_no_cursor(table: Any) -> None:
    store = DynamoDbCursorStore(table)

    assert store.get("never-polled") is None
    assert store.load("never-polled") == CursorState()


def test_cursor_round_trip_and_item_shape(table: Any) -> None:
    store = DynamoDbCursorStore(table, clock=lambda: NOW)

    store.put("acme-mention", "7305", ["7305", "7304"])

    assert store.get("acme-mention") == "7305"
    assert store.load("acme-mention") == CursorState("7305", ("7305", "7304"))
    item = table.get_item(Key={"pk": "CURSOR#acme-mention", "sk": "CURSOR"})["Item"]
    assert item == {
        "pk": "CURSOR#acme-mention",
        "sk": "CURSOR",
        "feed_id": "acme-mention",
        "cursor": "7305",
        "seen_ids": ["7305", "7304"],
        "updated_at": "2026-03-12T10:00:00+00:00",
    }


def test_put_overwrites_and_a_none_cursor_is_stored_as_absent(table: Any) -> None:
    store = DynamoDbCursorStore(table)
    store.put("acme-alerts", "2026-03-12T08:55:12+00:00", ["a"])

    store.put("acme-alerts", None, ["b", "a"])

    assert store.load("acme-alerts") == CursorState(None, ("b", "a"))
    item = table.get_item(Key={"pk": "CURSOR#acme-alerts", "sk": "CURSOR"})["Item"]
    assert "cursor" not in item


def test_seen_ids_are_bounded_newest_first_and_deduplicated(table: Any) -> None:
    store = DynamoDbCursorStore(table, max_seen=4)
    newest_first = [f"entry-{n}" for n in range(10, 0, -1)]

    store.put("acme-alerts", "c", ["entry-10", *newest_first])

    assert store.load("acme-alerts").seen_ids == ("entry-10", "entry-9", "entry-8", "entry-7")


def test_feeds_do_not_share_state(table: Any) -> None:
    store = DynamoDbCursorStore(table)
    store.put("one", "1", ["x"])
    store.put("two", "2", ["y"])

    assert store.load("one") == CursorState("1", ("x",))
    assert store.load("two") == CursorState("2", ("y",))


class _FailingTable:
    def __init__(self, code: str) -> None:
        self._error = ClientError({"Error": {"Code": code, "Message": "boom"}}, "GetItem")

    def get_item(self, **kwargs: Any) -> Any:
        raise self._error

    def put_item(self, **kwargs: Any) -> Any:
        raise self._error


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("ProvisionedThroughputExceededException", RetryableError),
        ("ResourceNotFoundException", ConfigurationError),
    ],
)
def test_dynamodb_errors_are_translated(code: str, error: type[Exception]) -> None:
    store = DynamoDbCursorStore(_FailingTable(code))

    with pytest.raises(error, match=code):
        store.load("x")
    with pytest.raises(error, match=code):
        store.put("x", None, [])
