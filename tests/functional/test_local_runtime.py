"""The local Lambda runtime behaves like the SQS event source mapping it stands in for."""

from __future__ import annotations

import json
from typing import Any

import boto3

from infra.local.provision import QueueSource
from infra.local.runtime import QueueWorker
from infra.local.trace import Trace


class FailingFunction:
    """Reports the records whose body says fail=true, like a handler using BatchProcessor."""

    short_name = "probe"
    account = "123456789012"
    region = "us-east-1"

    def __init__(self, raise_all: bool = False) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.raise_all = raise_all

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.batches.append(event["Records"])
        if self.raise_all:
            raise RuntimeError("boom")
        failed = [r["messageId"] for r in event["Records"] if json.loads(r["body"]).get("fail")]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def _queues(aws: boto3.Session) -> tuple[Any, str, str]:
    sqs = aws.client("sqs")
    dlq = sqs.create_queue(QueueName="probe-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(
        QueueName="probe",
        Attributes={
            "VisibilityTimeout": "0",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
        },
    )["QueueUrl"]
    return sqs, queue, dlq


def _worker(sqs: Any, queue: str, function: FailingFunction) -> QueueWorker:
    source = QueueSource(queue, "arn:aws:sqs:us-east-1:123456789012:probe", 10, 0, True, 5)
    return QueueWorker(function, source, sqs, Trace(stream=None))  # type: ignore[arg-type]


def _depth(sqs: Any, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_only_reported_failures_stay_and_poison_ends_in_dlq(aws: boto3.Session) -> None:
    sqs, queue, dlq = _queues(aws)
    for body in ({"n": 1}, {"n": 2, "fail": True}, {"n": 3}):
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    function = FailingFunction()
    worker = _worker(sqs, queue, function)
    assert worker.poll_once() == 3
    record = function.batches[0][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"messageId", "receiptHandle", "body", "md5OfBody", "eventSourceARN", "awsRegion"} <= record.keys()
    assert worker.poll_once() == 1  # only the failed record comes back
    assert json.loads(function.batches[1][0]["body"])["n"] == 2
    assert worker.poll_once() == 0  # third receive: redriven instead
    assert _depth(sqs, queue) == 0
    assert [json.loads(m["Body"])["n"] for m in sqs.receive_message(QueueUrl=dlq).get("Messages", [])] == [2]


def test_an_exception_fails_the_whole_batch(aws: boto3.Session) -> None:
    sqs, queue, _ = _queues(aws)
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 1}))
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 2}))
    function = FailingFunction(raise_all=True)
    worker = _worker(sqs, queue, function)
    assert worker.poll_once() == 2
    assert worker.poll_once() == 2  # both redelivered


def test_missing_account_is_bridged_into_eventbridge_bodies(aws: boto3.Session) -> None:
    sqs, queue, _ = _queues(aws)
    envelope = {"id": "1", "detail-type": "X.Y", "source": "talkworthy.test", "detail": {}}
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(envelope))
    function = FailingFunction()
    _worker(sqs, queue, function).poll_once()
    assert json.loads(function.batches[0][0]["body"])["account"] == "123456789012"
