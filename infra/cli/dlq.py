"""Reading and redriving a context's dead-letter queue.

Messages are read without consuming them: received with a short visibility timeout, then made
visible again. A redrive moves each chosen message back onto its context's queue (the body as
parked, so the consumer handles it as new) and only then deletes it from the DLQ: a crash in
between leaves a copy in both, which the consumers' idempotency makes harmless; never none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.cli.target import Context, Target

__all__ = ["Parked", "depth", "matching", "parked", "redrive"]


@dataclass(frozen=True)
class Parked:
    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, str]  # the consumer's reason attributes (empty for a message SQS moved itself)
    receive_count: int
    sent_at: datetime

    @property
    def reason(self) -> str:
        if self.attributes.get("reason"):
            return self.attributes["reason"]
        return f"retried {self.attributes.get('receive_count', '?')} times, then moved by SQS (see the handler's log)"

    @property
    def detail_type(self) -> str:
        if self.attributes.get("detail_type"):
            return self.attributes["detail_type"]
        try:
            return str(json.loads(self.body).get("detail-type", "?"))
        except ValueError:
            return "?"

    @property
    def event_key(self) -> str:
        if self.attributes.get("event_key"):
            return self.attributes["event_key"]
        try:
            return str(json.loads(self.body)["detail"]["meta"]["event_key"])
        except (ValueError, KeyError, TypeError):
            return "-"


def parked(
    target: Target, context: Context, *, hold_seconds: int = 30, consumed: set[str] | None = None
) -> Iterator[Parked]:
    """Every message in the context's DLQ; each stays invisible to others while it is read.

    When the reading ends, every message read is made visible again, but those whose message id
    the caller added to ``consumed`` (it deleted them).
    """
    consumed = consumed if consumed is not None else set()
    sqs = target.client("sqs")
    url = target.resources[context.dlq]
    seen: list[Parked] = []
    try:
        while True:
            batch = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=hold_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                break
            for message in batch:
                item = Parked(
                    message_id=message["MessageId"],
                    receipt_handle=message["ReceiptHandle"],
                    body=message["Body"],
                    attributes={k: v.get("StringValue", "") for k, v in message.get("MessageAttributes", {}).items()},
                    receive_count=int(message["Attributes"].get("ApproximateReceiveCount", 1)),
                    sent_at=datetime.fromtimestamp(int(message["Attributes"]["SentTimestamp"]) / 1000, UTC),
                )
                seen.append(item)
                yield item
    finally:  # what was only read becomes visible again at once
        kept = [p for p in seen if p.message_id not in consumed]
        for start in range(0, len(kept), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": p.receipt_handle, "VisibilityTimeout": 0}
                for i, p in enumerate(kept[start : start + 10])
            ]
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)


def matching(reason: str | None, detail_type: str | None) -> Callable[[Parked], bool]:
    def accept(item: Parked) -> bool:
        if reason and reason.lower() not in item.reason.lower() and reason != item.attributes.get("error"):
            return False
        return not detail_type or item.detail_type == detail_type

    return accept


def redrive(
    target: Target,
    context: Context,
    accept: Callable[[Parked], bool],
    *,
    dry_run: bool,
    progress: Callable[[Parked], None] = lambda _: None,
) -> list[Parked]:
    sqs = target.client("sqs")
    queue, dlq = target.resources[context.queue], target.resources[context.dlq]
    moved: list[Parked] = []
    consumed: set[str] = set()
    started = datetime.now(UTC)
    for item in parked(target, context, consumed=consumed):
        if item.sent_at >= started or not accept(item):  # parked again during this redrive: not twice
            continue
        if not dry_run:
            sqs.send_message(QueueUrl=queue, MessageBody=item.body)
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=item.receipt_handle)
            consumed.add(item.message_id)
        moved.append(item)
        progress(item)
    return moved


def depth(target: Target, logical_id: str) -> dict[str, Any]:
    attributes = target.client("sqs").get_queue_attributes(
        QueueUrl=target.resources[logical_id],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return {
        "visible": int(attributes["ApproximateNumberOfMessages"]),
        "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    }
