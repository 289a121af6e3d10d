"""The embedded AWS's bridges (infra/local/moto_server.py) make moto behave as AWS does."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import table as moto_table

from infra.local.moto_server import atomic_dynamodb_items

COPIES = 4


def _create(client: Any) -> str:
    client.create_table(
        TableName="once",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "once"


def _concurrent_first_puts(client: Any, table: str, key: str) -> int:
    """COPIES threads put the same key at once, each only if it does not exist; how many succeed."""
    start, accepted = threading.Barrier(COPIES), []

    def put() -> None:
        start.wait()
        try:
            client.put_item(TableName=table, Item={"id": {"S": key}}, ConditionExpression="attribute_not_exists(id)")
            accepted.append(key)
        except client.exceptions.ConditionalCheckFailedException:
            pass

    threads = [threading.Thread(target=put) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(accepted)


@pytest.fixture
def slow_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen moto's window between reading the current item and writing, so a race shows every time."""
    parse = moto_table.get_filter_expression

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return parse(*args, **kwargs)

    monkeypatch.setattr(moto_table, "get_filter_expression", slowly)


@pytest.mark.usefixtures("slow_condition")
def test_moto_alone_accepts_concurrent_conditional_puts_of_one_key(aws: boto3.Session) -> None:
    """The gap, shown: every copy reads "no item" before any of them writes."""
    client = aws.client("dynamodb")
    assert _concurrent_first_puts(client, _create(client), "k") > 1


@pytest.mark.usefixtures("slow_condition")
def test_with_the_bridge_exactly_one_conditional_put_wins(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_dynamodb_items(monkeypatch.setattr)
    client = aws.client("dynamodb")
    table = _create(client)
    assert [_concurrent_first_puts(client, table, f"k{n}") for n in range(3)] == [1, 1, 1]
