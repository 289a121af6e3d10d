"""The cost model counts DynamoDB capacity and prices usage the way AWS bills it."""

from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from moto import mock_aws

from infra.cost_model import PRICE, Meter, Usage, dynamodb_units, item_size, topology_floor, usage_cost


def test_item_size_counts_names_and_values() -> None:
    # "pk"(2) + "abc"(3), "n"(1) + 12345 (5 digits -> 3 + 1 = 4), "ok"(2) + bool(1)
    assert item_size({"pk": {"S": "abc"}, "n": {"N": "12345"}, "ok": {"BOOL": True}}) == 5 + 5 + 3
    # a boto3 Table hands botocore native values: the same size
    assert item_size({"pk": "abc", "n": Decimal(12345), "ok": True}) == 5 + 5 + 3


def test_a_write_costs_one_unit_per_started_kilobyte() -> None:
    small = {"pk": {"S": "x"}}
    big = {"pk": {"S": "x" * 1500}}
    assert dynamodb_units("PutItem", {"Item": small}, {}) == (1, 0)
    assert dynamodb_units("PutItem", {"Item": big}, {}) == (2, 0)


def test_an_item_in_the_index_is_written_twice() -> None:
    assert dynamodb_units("PutItem", {"Item": {"pk": {"S": "x"}, "gsi1pk": {"S": "y"}}}, {}) == (2, 0)


def test_every_item_of_a_transaction_costs_double() -> None:
    items = [{"Put": {"Item": {"pk": {"S": "a"}}}}, {"Update": {"Key": {"pk": {"S": "b"}}}}, {"ConditionCheck": {}}]
    assert dynamodb_units("TransactWriteItems", {"TransactItems": items}, {}) == (6, 0)


def test_eventually_consistent_reads_cost_half_and_queries_sum_their_items() -> None:
    item = {"pk": {"S": "x" * 3000}}
    assert dynamodb_units("GetItem", {"ConsistentRead": True}, {"Item": item}) == (0, 1)
    assert dynamodb_units("GetItem", {}, {"Item": item}) == (0, 0.5)
    assert dynamodb_units("GetItem", {"ConsistentRead": True}, {}) == (0, 1)  # a miss still costs
    assert dynamodb_units("Query", {"ConsistentRead": True}, {"Items": [item, item]}) == (0, 2)
    assert dynamodb_units("Query", {"ConsistentRead": True, "IndexName": "gsi1"}, {"Items": [item]}) == (0, 0.5)


def test_keys_a_batch_get_does_not_find_still_cost_a_read() -> None:
    params = {"RequestItems": {"t": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}], "ConsistentRead": True}}}
    response = {"Responses": {"t": [{"pk": {"S": "a"}}]}}
    assert dynamodb_units("BatchGetItem", params, response) == (0, 2)


@mock_aws
def test_the_meter_counts_what_boto3_really_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t"}
    for name, value in fake.items():
        monkeypatch.setenv(name, value)
    ddb = boto3.client("dynamodb")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    events = boto3.client("events")
    meter = Meter()
    with meter.watching():
        ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
        with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(TableName="t", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
        events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}] * 3)
    usage = meter.snapshot()
    assert (usage.wcu, usage.rcu, usage.events, usage.aws_calls) == (2, 0.5, 3, 4)  # the refused put is billed
    assert usage.calls == {"dynamodb:PutItem": 2, "dynamodb:GetItem": 1, "events:PutEvents": 1}


def test_usage_differences_and_means() -> None:
    a = Usage(events=4, wcu=6, calls={"x": 2})
    b = Usage(events=1, wcu=2, calls={"x": 2, "y": 1})
    assert (a - Usage(events=1, calls={"x": 1})).calls == {"x": 1}
    mean = (a + b).per(2)
    assert (mean.events, mean.wcu, mean.calls) == (2.5, 4, {"x": 2, "y": 0.5})


def test_pricing_of_one_mention() -> None:
    usage = Usage(api_requests=1, ingress_invocations=1, consumer_deliveries=5, events=2, wcu=4, rcu=2)
    cost = usage_cost(usage, cpu_seconds=0.0)
    assert cost["api"] == PRICE["http_api_per_request"]
    assert cost["eventbridge"] == 2 * PRICE["eventbridge_per_event"]
    assert cost["sqs"] == pytest.approx(5 * 1.4 * PRICE["sqs_per_request"])  # send, and receive + delete per batch of 5
    assert cost["lambda_requests"] == pytest.approx(2 * PRICE["lambda_per_request"])  # ingress + one batch
    assert cost["dynamodb"] == pytest.approx(4 * PRICE["dynamodb_per_wcu"] + 2 * PRICE["dynamodb_per_rcu"])


def test_the_topology_floor_is_above_five_dollars_per_million_with_an_http_api() -> None:
    # why the issue's <= $5 goal cannot be met one webhook per mention: see README (costs)
    assert sum(topology_floor().values()) * 1e6 == pytest.approx(5.65, abs=0.01)
