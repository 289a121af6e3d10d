"""The embedded AWS's bridges (infra/local/moto_server.py) make moto behave as AWS does."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import table as moto_table

from infra.local import moto_bridges
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


@pytest.fixture
def bridged(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    moto_bridges.install(monkeypatch.setattr)
    atomic_dynamodb_items(monkeypatch.setattr)
    return aws


def _item(client: Any, key: str) -> dict[str, Any] | None:
    return client.get_item(TableName="once", Key={"id": {"S": key}}).get("Item")


def test_a_transaction_with_a_failed_condition_writes_nothing(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    client.put_item(TableName=table, Item={"id": {"S": "taken"}, "n": {"N": "1"}})
    client.put_item(TableName=table, Item={"id": {"S": "counter"}, "n": {"N": "1"}})
    with pytest.raises(client.exceptions.TransactionCanceledException) as caught:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"id": {"S": "new"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"id": {"S": "counter"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"id": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(id)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    reasons = caught.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"] == {"id": {"S": "taken"}, "n": {"N": "1"}}
    assert _item(client, "new") is None
    assert _item(client, "taken") == {"id": {"S": "taken"}, "n": {"N": "1"}}
    assert _item(client, "counter") == {"id": {"S": "counter"}, "n": {"N": "1"}}


def test_a_transaction_whose_conditions_hold_writes_every_item(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    client.put_item(TableName=table, Item={"id": {"S": "old"}})
    client.put_item(TableName=table, Item={"id": {"S": "guard"}})
    client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table,
                    "Item": {"id": {"S": "a"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            },
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {"id": {"S": "guard"}},
                    "ConditionExpression": "attribute_exists(id)",
                }
            },
            {"Delete": {"TableName": table, "Key": {"id": {"S": "old"}}}},
        ]
    )
    assert _item(client, "a") == {"id": {"S": "a"}}
    assert _item(client, "old") is None
    assert _item(client, "guard") == {"id": {"S": "guard"}}


def test_two_operations_on_one_item_are_refused(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    with pytest.raises(client.exceptions.ClientError, match="multiple operations"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"id": {"S": "a"}}}},
                {"Delete": {"TableName": table, "Key": {"id": {"S": "a"}}}},
            ]
        )
    assert _item(client, "a") is None


def test_queue_attributes_by_name_and_receives_are_unchanged(bridged: boto3.Session) -> None:
    sqs = bridged.client("sqs")
    url = sqs.create_queue(QueueName="q", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
    names = ["ApproximateNumberOfMessages", "MessageRetentionPeriod"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "ApproximateNumberOfMessages": "3",
        "MessageRetentionPeriod": "60",
    }
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 3
    with pytest.raises(sqs.exceptions.ClientError, match="Unknown Attribute"):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])
