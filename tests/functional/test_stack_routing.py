"""The template's rules route each detail-type to its consumer queue, as written in template.yaml."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3

from infra.local.provision import ProvisionedStack
from talkworthy.catalog import EventMeta, MentionReceived
from talkworthy.publishing import EventBridgePublisher


def _drain(sqs, url: str) -> list[dict]:  # type: ignore[no-untyped-def]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in messages]


def test_mention_received_reaches_only_the_mentions_queue(aws: boto3.Session, stack: ProvisionedStack) -> None:
    sample = json.loads(Path("events/details/Mention.Received.json").read_text())["detail"]
    detail = MentionReceived.model_validate(sample)
    EventBridgePublisher(aws.client("events"), stack.attr("Bus")).publish([detail])
    sqs = aws.client("sqs")
    bodies = {logical: _drain(sqs, url) for logical, url in stack.queues.items()}
    assert [b["detail-type"] for b in bodies["MentionsQueue"]] == ["Mention.Received"]
    assert bodies["MentionsQueue"][0]["detail"]["meta"]["event_key"] == detail.meta.event_key
    assert all(not messages for logical, messages in bodies.items() if logical != "MentionsQueue")


def test_an_event_from_outside_the_catalog_reaches_no_consumer(aws: boto3.Session, stack: ProvisionedStack) -> None:
    meta = EventMeta(
        event_key="x",
        correlation_id="c",
        producer="talkworthy.test",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    aws.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.attr("Bus"),
                "Source": "talkworthy.test",
                "DetailType": "Something.Else",
                "Detail": json.dumps({"meta": json.loads(meta.model_dump_json())}),
            }
        ]
    )
    sqs = aws.client("sqs")
    assert all(not _drain(sqs, url) for url in stack.queues.values())


def test_stack_outputs_and_secrets_are_provisioned(aws: boto3.Session, stack: ProvisionedStack) -> None:
    secret = aws.client("secretsmanager").get_secret_value(SecretId=stack.attr("WebhookSecrets"))
    assert json.loads(secret["SecretString"])["standard"]["signing"][0].startswith("whsec_")
    table = aws.client("dynamodb").describe_table(TableName=stack.attr("MeshTable"))["Table"]
    assert table["GlobalSecondaryIndexes"][0]["IndexName"] == "gsi1"
    redrive = aws.client("sqs").get_queue_attributes(
        QueueUrl=stack.queues["MentionsQueue"], AttributeNames=["RedrivePolicy"]
    )["Attributes"]["RedrivePolicy"]
    assert json.loads(redrive)["deadLetterTargetArn"].endswith("mentions-dlq")
