"""The one EventBridge publisher: batching, partial-failure retries, typed error."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from talkworthy.catalog import ActionTaken, Actor, EventMeta, Target
from talkworthy.errors import InvalidInputError, PublishError
from talkworthy.publishing import EventBridgePublisher


def _event(n: int) -> ActionTaken:
    return ActionTaken(
        meta=EventMeta(
            event_key=f"k{n}",
            correlation_id="c",
            producer="talkworthy.test",
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        ),
        action="claim",
        actor=Actor(id="U1", via="slack"),
        target=Target(kind="case", id=f"case-{n}"),
    )


class FlakyEvents:
    """Answers like PutEvents: fails the entries whose key is in ``fail`` for the first N calls."""

    def __init__(self, fail: dict[str, int]) -> None:
        self.fail = dict(fail)
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(Entries)
        results = []
        for entry in Entries:
            key = json.loads(entry["Detail"])["meta"]["event_key"]
            if self.fail.get(key, 0) > 0:
                self.fail[key] -= 1
                results.append({"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"})
            else:
                results.append({"EventId": f"id-{key}"})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def test_batches_of_ten_with_source_and_detail_type() -> None:
    client = FlakyEvents({})
    EventBridgePublisher(client, "bus", sleep=lambda _: None).publish([_event(n) for n in range(23)])
    assert [len(call) for call in client.calls] == [10, 10, 3]
    first = client.calls[0][0]
    assert first["EventBusName"] == "bus"
    assert first["Source"] == "talkworthy.test"
    assert first["DetailType"] == "Action.Taken"


def test_retries_only_the_failed_entries_with_backoff() -> None:
    client = FlakyEvents({"k3": 2, "k7": 1})
    sleeps: list[float] = []
    EventBridgePublisher(client, "bus", sleep=sleeps.append, base_delay=0.1).publish([_event(n) for n in range(10)])
    keys = [[json.loads(e["Detail"])["meta"]["event_key"] for e in call] for call in client.calls]
    assert keys[1] == ["k3", "k7"]
    assert keys[2] == ["k3"]
    assert sleeps == [0.1, 0.2]


def test_raises_typed_error_naming_what_remains() -> None:
    client = FlakyEvents({"k1": 99})
    with pytest.raises(PublishError) as caught:
        EventBridgePublisher(client, "bus", sleep=lambda _: None, max_attempts=3).publish([_event(0), _event(1)])
    assert len(client.calls) == 3
    assert caught.value.failed == [
        {"index": 1, "detail_type": "Action.Taken", "code": "ThrottlingException", "message": "slow down"}
    ]


def test_oversized_event_is_an_input_error_before_any_call() -> None:
    client = FlakyEvents({})
    big = _event(0).model_copy(update={"target": Target(kind="case", id="x" * 300_000)})
    with pytest.raises(InvalidInputError):
        EventBridgePublisher(client, "bus").publish([big])
    assert client.calls == []
