"""The consumer's error paths against moto's SQS, with use cases that fail on purpose.

The context handlers' own tests (test_context_handlers.py) cover poison, redrive and a throttled
channel with the real handlers; these cover what no real use case fails at on demand: a crash,
a bus that refuses some entries, and a DLQ that cannot be written.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local.runtime import LambdaContext
from talkworthy.catalog import Detail, SlaBreached
from talkworthy.consumer import Arrival, HandlerMap, SqsConsumer, on
from talkworthy.errors import PublishError
from talkworthy.publishing import InMemoryPublisher
from talkworthy.settings import ConsumerSettings, use_environment

SAMPLE = json.loads((Path(__file__).resolve().parents[2] / "events" / "details" / "Sla.Breached.json").read_text())[
    "detail"
]
CONTEXT = LambdaContext("test", 256, "arn:aws:lambda:us-east-1:123456789012:function:test", 60)


def _record(key: str, queue_arn: str = "arn:aws:sqs:us-east-1:123456789012:work") -> dict[str, Any]:
    detail = {**SAMPLE, "meta": {**SAMPLE["meta"], "event_key": key}}
    body = json.dumps({"id": key, "detail-type": "Sla.Breached", "source": "talkworthy.sla", "detail": detail})
    return {"messageId": key, "receiptHandle": f"r-{key}", "body": body, "attributes": {}, "eventSourceARN": queue_arn}


class RefusingPublisher(InMemoryPublisher):
    """The bus refuses the events of one event key (throttled entries, after the publisher's retries)."""

    def __init__(self, refused_key: str) -> None:
        super().__init__()
        self.refused_key = refused_key

    def publish(self, details: Sequence[Detail]) -> None:
        failed = [
            {"index": i, "detail_type": d.DETAIL_TYPE, "code": "ThrottlingException", "message": "slow down"}
            for i, d in enumerate(details)
            if d.meta.event_key.startswith(self.refused_key)
        ]
        self.published += [d for d in details if not d.meta.event_key.startswith(self.refused_key)]
        if failed:
            raise PublishError("refused", failed)


def _echo(breach: SlaBreached, ports: None, arrival: Arrival) -> Sequence[Detail]:
    if breach.meta.event_key == "crash":
        raise RuntimeError("a bug")
    return [breach.model_copy(update={"meta": breach.meta.derive("talkworthy.test", "echo")})]


@pytest.fixture
def queues(aws: boto3.Session) -> dict[str, str]:
    sqs = aws.client("sqs")
    return {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("work", "work-dlq")}


def _consumer(publisher: InMemoryPublisher) -> SqsConsumer[ConsumerSettings, None]:
    return SqsConsumer(
        "test",
        HandlerMap[None](on(SlaBreached, _echo)),
        ConsumerSettings,
        lambda _: None,
        publisher=lambda _: publisher,
    )


def _run(consumer: SqsConsumer[ConsumerSettings, None], dlq_url: str, *records: dict[str, Any]) -> dict[str, Any]:
    environment = {"EVENT_BUS_NAME": "bus", "MESH_TABLE": "mesh", "DLQ_URL": dlq_url}
    with use_environment(environment):
        return consumer({"Records": list(records)}, CONTEXT)


def test_an_unexpected_error_fails_only_its_record_and_is_left_to_sqs_retries(
    queues: dict[str, str], aws: boto3.Session
) -> None:
    published = InMemoryPublisher()
    answer = _run(_consumer(published), queues["work-dlq"], _record("ok-1"), _record("crash"), _record("ok-2"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "crash"}]}
    assert [d.meta.event_key for d in published.published] == ["ok-1>echo", "ok-2>echo"]  # one batch, in order
    assert "Messages" not in aws.client("sqs").receive_message(QueueUrl=queues["work-dlq"])  # SQS decides, later


def test_events_the_bus_refused_fail_the_record_that_produced_them(queues: dict[str, str]) -> None:
    publisher = RefusingPublisher("ok-2")
    answer = _run(_consumer(publisher), queues["work-dlq"], _record("ok-1"), _record("ok-2"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "ok-2"}]}
    assert [d.meta.event_key for d in publisher.published] == ["ok-1>echo"]


def test_a_poison_record_that_cannot_be_parked_is_retried_not_lost(queues: dict[str, str]) -> None:
    poison = dict(_record("bad"), body="not json")
    answer = _run(_consumer(InMemoryPublisher()), queues["work-dlq"] + "-missing", poison, _record("ok-1"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


def test_a_body_that_is_not_an_event_is_parked_with_its_reason(queues: dict[str, str], aws: boto3.Session) -> None:
    poison = dict(_record("bad"), body='{"detail-type": "Sla.Breached"}')
    assert _run(_consumer(InMemoryPublisher()), queues["work-dlq"], poison) == {"batchItemFailures": []}
    (parked,) = aws.client("sqs").receive_message(QueueUrl=queues["work-dlq"], MessageAttributeNames=["All"])[
        "Messages"
    ]
    assert parked["Body"] == poison["body"]
    assert parked["MessageAttributes"]["error"]["StringValue"] == "NotAnEvent"
    assert "detail" in parked["MessageAttributes"]["reason"]["StringValue"]


def test_the_alarmed_metrics_are_emitted_per_context(
    queues: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_lambda_powertools.metrics import Metrics

    from tests.unit.test_template import ALARMED_METRICS

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    # Powertools keeps dimensions per process, not per instance: another context's consumer that ran
    # earlier on this test worker (xdist places files by timing) left its "service" in the shared set.
    Metrics().clear_metrics()
    consumer = _consumer(InMemoryPublisher())
    capsys.readouterr()
    poison = dict(_record("bad"), body="not json")
    sent_ms = int(time.time() * 1000) - 1500  # the bus put it on the queue 1.5 s ago
    handled = dict(_record("ok-1"), attributes={"SentTimestamp": str(sent_ms)})
    _run(consumer, queues["work-dlq"], poison, _record("crash"), handled)
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    (batch,) = [e for e in emitted if "EventsHandled" in e]
    definition = batch["_aws"]["CloudWatchMetrics"][0]
    assert definition["Namespace"] == "Talkworthy"
    assert ["service"] in definition["Dimensions"]
    assert batch["service"] == "test"
    assert {m["Name"] for m in definition["Metrics"]} >= ALARMED_METRICS | {"EventsHandled"}
    # this batch's 1 each (Powertools keeps what earlier, unflushed invocations in this process added)
    assert all(1.0 in batch[name] for name in ("EventsRejected", "EventsFailed", "EventsHandled"))
    # the flows' latency per hop: one value, for the handled record only, about 1.5 s
    latency = batch["EventLatency"]
    assert (latency if isinstance(latency, list) else [latency])[-1] == pytest.approx(1500, abs=1000)


def test_concurrent_batches_of_one_consumer_log_their_own_record_keys(
    queues: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The local runtime runs up to MaximumConcurrency batches of one function in one process, so
    they share one Powertools logger: each record's keys must stay with the thread handling it."""
    both_inside = threading.Barrier(2, timeout=10)

    def crash_together(breach: SlaBreached, ports: None, arrival: Arrival) -> Sequence[Detail]:
        both_inside.wait()  # the other batch has set its keys by now
        raise RuntimeError("a bug")

    consumer = SqsConsumer(
        "concurrent", HandlerMap[None](on(SlaBreached, crash_together)), ConsumerSettings, lambda _: None
    )
    consumer._container = lambda: (None, None, InMemoryPublisher(), None)  # type: ignore[method-assign,assignment,return-value]

    def record(key: str) -> dict[str, Any]:
        body = json.loads(_record(key)["body"])
        body["detail"]["meta"]["correlation_id"] = f"corr-{key}"
        return dict(_record(key), body=json.dumps(body))

    answers: dict[str, Any] = {}
    threads = [
        threading.Thread(target=lambda k=key: answers.update({k: _run(consumer, queues["work-dlq"], record(k))}))
        for key in ("a", "b")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {k: {"batchItemFailures": [{"itemIdentifier": k}]} for k in ("a", "b")}
    failures = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"handler failed"' in line]
    assert sorted((f["event_key"], f["correlation_id"]) for f in failures) == [("a", "corr-a"), ("b", "corr-b")]


def test_what_a_replayed_event_leads_to_is_marked_as_the_same_replay(queues: dict[str, str]) -> None:
    published = InMemoryPublisher()
    archive = json.loads(_record("ok-1")["body"]) | {"replay-name": "talkworthy-replay-1"}  # EventBridge's own mark
    marked = _record("ok-2")
    body = json.loads(marked["body"])
    body["detail"]["meta"]["replay"] = "talkworthy-replay-2-notify"  # a replay from the raw archive
    _run(
        _consumer(published),
        queues["work-dlq"],
        dict(_record("ok-1"), body=json.dumps(archive)),
        dict(marked, body=json.dumps(body)),
        _record("ok-3"),
    )
    assert [(d.meta.event_key, d.meta.replay) for d in published.published] == [
        ("ok-1>echo", "talkworthy-replay-1"),
        ("ok-2>echo", "talkworthy-replay-2-notify"),
        ("ok-3>echo", None),
    ]
    assert Arrival("e", "talkworthy-replay-2-notify", 1).replay_notifies
    assert not Arrival("e", "talkworthy-replay-1", 1).replay_notifies
