"""Community activity through the template's rule and queue into the community context, on moto."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from infra.local.provision import ProvisionedStack
from infra.local.runtime import LocalFunction
from talkworthy import clients, composition
from talkworthy.community.activity_store import DynamoDbActivityStore, InMemoryActivityStore
from talkworthy.publishing import EventBridgePublisher
from tests.unit.community.activity_helpers import COMMUNITY, activity

MONDAY = datetime(2026, 11, 23, tzinfo=UTC).timestamp()
HOUR = 3600.0


def _week_of_activity() -> list[Any]:
    return [
        activity("user_created", MONDAY + 5, "u1"),
        activity("user_created", MONDAY + 6, "u2"),
        activity("topic_created", MONDAY + 10, "u1", "t1"),
        activity("post_created", MONDAY + 2 * HOUR, "u2", "t1", post_id="p2", reply_to="1"),
        activity("post_created", MONDAY + 3 * HOUR, "u3", "t1", post_id="p3", reply_to="2"),
        activity("post_created", MONDAY + 4 * HOUR, "u1", "t1", post_id="p4"),
        activity("like", MONDAY + 5 * HOUR, "u1", "t1", post_id="p2"),
        activity("topic_created", MONDAY + 50 * HOUR, "u3", "t2"),
        activity("post_created", MONDAY + 51 * HOUR, "staff-1", "t2", post_id="p6", staff=True),
    ]


def _records(aws: boto3.Session, stack: ProvisionedStack) -> list[dict[str, Any]]:
    url, records = stack.queues["CommunityQueue"], []
    while batch := aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        records += [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": stack.attr("CommunityQueue", "Arn"),
                "awsRegion": "us-east-1",
            }
            for m in batch
        ]
    return records


@pytest.fixture
def fresh_clients():  # type: ignore[no-untyped-def]
    for module in (clients, composition):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    yield
    composition.activity_store.cache_clear()


def test_activity_delivered_twice_is_aggregated_once_as_in_memory(
    aws: boto3.Session, stack: ProvisionedStack, fresh_clients: None
) -> None:
    activities = _week_of_activity()
    EventBridgePublisher(aws.client("events"), stack.attr("Bus")).publish([*activities, activities[3], activities[6]])
    records = _records(aws, stack)
    assert len(records) == len(activities) + 2  # routed by the template's rule

    function = LocalFunction(stack.functions["CommunityFunction"], "us-east-1", "123456789012")
    assert function.invoke({"Records": records[:6]}) == {"batchItemFailures": []}
    assert function.invoke({"Records": records[6:]}) == {"batchItemFailures": []}

    stored = DynamoDbActivityStore(aws.resource("dynamodb").Table(stack.attr("MeshTable")))
    expected = InMemoryActivityStore()
    for each in activities:
        expected.record(each)
    week = stored.week(COMMUNITY, date(2026, 11, 23))
    assert week == expected.week(COMMUNITY, date(2026, 11, 23))
    assert week.members == {"u1", "u2"}
    assert week.likes == {"p2|u1"}
    assert stored.communities() == [COMMUNITY]

    factors = week.factors().values
    assert factors["content"] == 5  # two topics and three replies by members; the staff reply is left out
    assert factors["interaction"] == 3.0  # u1, u2 and u3 conversed in t1
    assert factors["responsiveness"] == pytest.approx(0.5 * 1 / (1 + (2 * HOUR - 10) / HOUR / 24))


def test_page_views_of_a_day_are_set_not_added(aws: boto3.Session, stack: ProvisionedStack) -> None:
    stored = DynamoDbActivityStore(aws.resource("dynamodb").Table(stack.attr("MeshTable")))
    stored.set_traffic(COMMUNITY, date(2026, 11, 24), 900)
    stored.set_traffic(COMMUNITY, date(2026, 11, 24), 1000)  # the poller read the day again
    stored.set_traffic(COMMUNITY, date(2026, 11, 25), 500)

    week = stored.week(COMMUNITY, date(2026, 11, 23))
    assert week.traffic == {"2026-11-24": 1000, "2026-11-25": 500}
    assert week.factors().values["traffic"] == 1500
