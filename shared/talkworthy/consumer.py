"""How every context reads its queue: a handler map, errors mapped once, events published per batch.

EventBridge rule (the context's detail-types) → SQS queue (+DLQ) → one consumer per context. The
consumer declares ``HandlerMap(on(Model, use_case, where=...), ...)``; each use case takes the
detail, the context's ports and the :class:`Arrival`, does its work and *returns* the events it
wants published. The consumer publishes the events of the whole batch together (10 per
``PutEvents``) through the one publisher, and maps every failure once, here:

- ``InvalidInputError`` / ``PermanentError``, a body that is not an event, a detail that fails
  its model, or a detail-type the map does not handle: never retried. The record is sent to the
  consumer's DLQ at once with the reason as message attributes, ``EventsRejected`` is counted
  (and alarmed), and the batch reports success for it. The body is parked unchanged, so moving
  it back to the queue after a fix (``start-message-move-task`` with the queue as destination)
  processes it normally.
- ``RetryableError(retry_after=…)``: the record fails and its visibility timeout is set to
  ``retry_after``, so SQS brings it back when the outside system said it could take it.
- anything else: the record fails (``EventsFailed``) and SQS retries it after the queue's
  visibility timeout; after ``maxReceiveCount`` receives SQS moves it to the DLQ.

Idempotency: use cases are safe to run again for the same event (each says how: a conditional
write on the event key, a create-if-absent on a natural key). A record retried because its
events could not be published runs again and publishes the same events with the same event keys.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from talkworthy.catalog.base import Detail
from talkworthy.errors import InvalidInputError, PermanentError, PublishError, RetryableError
from talkworthy.observability import Observability
from talkworthy.publishing import EventPublisher, check_size
from talkworthy.settings import ConsumerSettings

__all__ = ["REPLAY_NOTIFY_SUFFIX", "Arrival", "HandlerMap", "Route", "SqsConsumer", "on", "queue_url"]

D = TypeVar("D", bound=Detail)
P = TypeVar("P")
S = TypeVar("S", bound=ConsumerSettings)

REPLAY_NOTIFY_SUFFIX = "-notify"  # a replay whose name ends so tells people again
MAX_VISIBILITY = 12 * 3600  # SQS's limit for a visibility timeout
_MAX_REASON = 1000


@dataclass(frozen=True)
class Arrival:
    """How the event reached the consumer (not what it says)."""

    event_id: str
    replay_name: str | None
    receive_count: int
    lambda_context: Any = None

    @property
    def is_replay(self) -> bool:
        return self.replay_name is not None

    @property
    def replay_notifies(self) -> bool:
        """The operator asked for people to be told again (``talkworthy replay --notify``)."""
        return self.replay_name is not None and self.replay_name.endswith(REPLAY_NOTIFY_SUFFIX)


UseCase = Callable[[Any, P, Arrival], Sequence[Detail]]


def _matches(pattern: Mapping[str, Any], value: Any) -> bool:
    """EventBridge matching for exact values: every key present, a leaf one of the listed values."""
    if not isinstance(value, Mapping):
        return False
    for key, expected in pattern.items():
        if isinstance(expected, Mapping):
            if not _matches(expected, value.get(key)):
                return False
        elif key not in value or value[key] not in expected:
            return False
    return True


@dataclass(frozen=True)
class Route(Generic[P]):
    model: type[Detail]
    use_case: UseCase[P]
    where: Mapping[str, Any] = field(default_factory=dict)  # a detail pattern: {"target": {"kind": ["case"]}}

    def matches(self, detail_type: str, detail: Mapping[str, Any]) -> bool:
        return detail_type == self.model.DETAIL_TYPE and _matches(self.where, detail)


def on(
    model: type[D], use_case: Callable[[D, P, Arrival], Sequence[Detail]], where: Mapping[str, Any] | None = None
) -> Route[P]:
    """One handler-map entry: ``model``'s detail-type (and ``where``, matched as the rule does) → use case."""
    return Route(model, use_case, dict(where or {}))


class HandlerMap(Generic[P]):
    def __init__(self, *routes: Route[P]) -> None:
        self.routes = routes
        models: dict[str, type[Detail]] = {}
        for route in routes:
            if models.setdefault(route.model.DETAIL_TYPE, route.model) is not route.model:
                raise ValueError(f"{route.model.DETAIL_TYPE} is mapped to two models")

    def matching(self, detail_type: str, detail: Mapping[str, Any]) -> list[Route[P]]:
        return [route for route in self.routes if route.matches(detail_type, detail)]

    def branches(self) -> set[tuple[str, str]]:
        """(detail-type, detail pattern as canonical JSON): what the context's rule must route here."""
        return {(route.model.DETAIL_TYPE, canonical(route.where)) for route in self.routes}


def _replayed(event: Detail, name: str) -> Detail:
    if event.meta.replay:
        return event
    return event.model_copy(update={"meta": event.meta.model_copy(update={"replay": name[:64]})})


def canonical(pattern: Mapping[str, Any]) -> str:
    def norm(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: norm(item) for key, item in value.items()}
        return sorted(value, key=json.dumps) if isinstance(value, list) else value

    return json.dumps(norm(pattern), sort_keys=True)


def queue_url(arn: str) -> str:
    """The URL SQS serves a queue at, from its ARN (``arn:aws:sqs:region:account:name``)."""
    _, partition, _, region, account, name = arn.split(":", 5)
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{domain}/{account}/{name}"


@dataclass
class _Outcome:
    record: Mapping[str, Any]
    status: str = "handled"  # handled | rejected | failed
    events: list[Detail] = field(default_factory=list)
    reason: str = ""
    error: str = ""
    retry_after: float | None = None
    detail_type: str = "?"
    event_key: str = "-"

    def reject(self, error: str, reason: str) -> _Outcome:
        self.status, self.error, self.reason, self.events = "rejected", error, reason[:_MAX_REASON], []
        return self

    def fail(self, error: str, reason: str, retry_after: float | None = None) -> _Outcome:
        self.status, self.error, self.reason, self.retry_after, self.events = "failed", error, reason, retry_after, []
        return self


class SqsConsumer(Generic[S, P]):
    """The Lambda handler of one context: ``lambda_handler = SqsConsumer("cases", HANDLERS, ...)``.

    Settings are validated and the ports built on the first invocation, once per container.
    """

    def __init__(
        self,
        service: str,
        handlers: HandlerMap[P],
        settings: type[S],
        ports: Callable[[S], P],
        *,
        publisher: Callable[[S], EventPublisher] | None = None,
        sqs: Callable[[], Any] | None = None,
    ) -> None:
        self.service = service
        self.handlers = handlers
        self.settings_model = settings
        self._ports_factory = ports
        self._publisher_factory = publisher
        self._sqs_factory = sqs
        self._state: tuple[S, P, EventPublisher, Any] | None = None
        self.observability = Observability(service)
        self._handler = self.observability.wrap(self._handle_batch)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return self._handler(event, context)

    def _container(self) -> tuple[S, P, EventPublisher, Any]:
        if self._state is None:
            from talkworthy import composition as c
            from talkworthy.clients import aws_client

            config = self.settings_model.load()
            publisher = (
                self._publisher_factory(config) if self._publisher_factory else c.publisher(config.event_bus_name)
            )
            sqs = self._sqs_factory() if self._sqs_factory else aws_client("sqs")
            self._state = (config, self._ports_factory(config), publisher, sqs)
        return self._state

    # ------------------------------------------------------------------ one batch
    def _handle_batch(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        config, ports, publisher, sqs = self._container()
        outcomes = [self._handle_record(record, ports, context) for record in event.get("Records", [])]
        self._publish(outcomes, publisher)
        self._park([o for o in outcomes if o.status == "rejected"], config, sqs)
        self._delay([o for o in outcomes if o.status == "failed" and o.retry_after is not None], sqs)
        metrics = self.observability.metrics
        for status, name in (("handled", "EventsHandled"), ("rejected", "EventsRejected"), ("failed", "EventsFailed")):
            count = sum(1 for o in outcomes if o.status == status)
            if count:
                metrics.add_metric(name=name, unit="Count", value=count)
        done_ms = datetime.now(UTC).timestamp() * 1000
        for outcome in outcomes:
            sent = outcome.record.get("attributes", {}).get("SentTimestamp")
            if outcome.status == "handled" and str(sent or "").isdigit():
                # the flows' latency, hop by hop: from the bus putting the event on this queue to done
                metrics.add_metric(name="EventLatency", unit="Milliseconds", value=max(0.0, done_ms - int(sent)))
        return {
            "batchItemFailures": [{"itemIdentifier": o.record["messageId"]} for o in outcomes if o.status == "failed"]
        }

    def _handle_record(self, record: Mapping[str, Any], ports: P, context: Any) -> _Outcome:
        outcome = _Outcome(record)
        logger = self.observability.logger
        try:
            envelope = json.loads(record["body"])
            detail_type, raw = envelope["detail-type"], envelope["detail"]
            if not isinstance(detail_type, str) or not isinstance(raw, dict):
                raise TypeError("detail-type must be a string and detail an object")
        except (ValueError, KeyError, TypeError) as err:
            return outcome.reject("NotAnEvent", f"the record body is not an EventBridge event: {err}")
        outcome.detail_type = detail_type
        meta = raw.get("meta")
        outcome.event_key = str(meta.get("event_key", "-")) if isinstance(meta, dict) else "-"
        routes = self.handlers.matching(detail_type, raw)
        if not routes:
            return outcome.reject("UnexpectedEvent", f"{self.service} has no handler for this {detail_type}")
        try:
            detail = routes[0].model.model_validate(raw)
        except ValidationError as err:
            return outcome.reject("InvalidEvent", f"{detail_type} does not match its model: {err}")
        # per record, in this thread's context: concurrent batches sharing one logger (the local
        # runtime; a handler's own threads) never log another record's keys
        logger.thread_safe_append_keys(
            correlation_id=detail.meta.correlation_id, event_key=detail.meta.event_key, detail_type=detail_type
        )
        self.observability.tracer.put_annotation("correlation_id", detail.meta.correlation_id)
        arrival = Arrival(
            event_id=str(envelope.get("id", "")),
            # an archive replay names itself in the envelope; a replay from the raw archive (and
            # every event a replayed event leads to) carries the name in its meta
            replay_name=envelope.get("replay-name") or detail.meta.replay,
            receive_count=int(record.get("attributes", {}).get("ApproximateReceiveCount") or 1),
            lambda_context=context,
        )
        try:
            for route in routes:
                outcome.events.extend(route.use_case(detail, ports, arrival))
            if arrival.replay_name:  # what a replayed event leads to is part of the replay
                outcome.events = [_replayed(event, arrival.replay_name) for event in outcome.events]
            for published in outcome.events:
                check_size(published)
        except (InvalidInputError, PermanentError) as err:
            return outcome.reject(type(err).__name__, str(err))
        except RetryableError as err:
            logger.warning("retrying later", extra={"reason": str(err), "retry_after": err.retry_after})
            return outcome.fail(type(err).__name__, str(err), err.retry_after)
        except Exception as err:  # retried by SQS, then the DLQ; the traceback is in the log
            logger.exception("handler failed", extra={"receive_count": arrival.receive_count})
            return outcome.fail(type(err).__name__, str(err))
        finally:
            logger.thread_safe_remove_keys(["correlation_id", "event_key", "detail_type"])
        return outcome

    # ------------------------------------------------------------------ after the batch
    def _publish(self, outcomes: list[_Outcome], publisher: EventPublisher) -> None:
        owners = [(outcome, detail) for outcome in outcomes if outcome.status == "handled" for detail in outcome.events]
        if not owners:
            return
        try:
            publisher.publish([detail for _, detail in owners])
        except PublishError as err:
            for failure in err.failed:
                owners[failure["index"]][0].fail("PublishError", f"{failure['code']}: {failure['message']}")
        except Exception as err:  # the bus is unreachable: every record with events comes back
            self.observability.logger.exception("publishing failed")
            for outcome, _ in owners:
                outcome.fail(type(err).__name__, f"events not published: {err}")

    def _park(self, rejected: list[_Outcome], config: S, sqs: Any) -> None:
        """Rejected records go to the DLQ at once; one that cannot be parked is retried, never lost."""
        logger = self.observability.logger
        for outcome in rejected:
            logger.warning(
                "event rejected",
                extra={
                    "reason": outcome.reason,
                    "error": outcome.error,
                    "detail_type": outcome.detail_type,
                    "event_key": outcome.event_key,
                    "message_id": outcome.record.get("messageId"),
                },
            )
        for start in range(0, len(rejected), 10):
            chunk = rejected[start : start + 10]
            try:
                answer = sqs.send_message_batch(
                    QueueUrl=config.dlq_url, Entries=[self._dead_letter(str(i), o) for i, o in enumerate(chunk)]
                )
                unparked = [chunk[int(failed["Id"])] for failed in answer.get("Failed", [])]
            except Exception:
                logger.exception("could not park rejected events in the DLQ")
                unparked = chunk
            for outcome in unparked:
                outcome.fail("DlqUnavailable", f"rejected ({outcome.reason}) but not parked")

    def _dead_letter(self, entry_id: str, outcome: _Outcome) -> dict[str, Any]:
        attributes = {
            "rejected_by": self.service,
            "error": outcome.error,
            "reason": outcome.reason,
            "detail_type": outcome.detail_type,
            "event_key": outcome.event_key[:256],
            "source_queue": str(outcome.record.get("eventSourceARN", "")),
            "message_id": str(outcome.record.get("messageId", "")),
            "receive_count": str(outcome.record.get("attributes", {}).get("ApproximateReceiveCount", "1")),
            "rejected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return {
            "Id": entry_id,
            "MessageBody": outcome.record["body"],
            "MessageAttributes": {
                name: {"DataType": "String", "StringValue": value or "-"} for name, value in attributes.items()
            },
        }

    def _delay(self, retried: list[_Outcome], sqs: Any) -> None:
        """Honour ``retry_after``: the record becomes visible again when the outside system said so."""
        by_queue: dict[str, list[_Outcome]] = {}
        for outcome in retried:
            by_queue.setdefault(str(outcome.record.get("eventSourceARN", "")), []).append(outcome)
        for arn, outcomes in by_queue.items():
            for start in range(0, len(outcomes), 10):
                entries = [
                    {
                        "Id": str(i),
                        "ReceiptHandle": o.record["receiptHandle"],
                        "VisibilityTimeout": min(MAX_VISIBILITY, max(0, math.ceil(o.retry_after or 0))),
                    }
                    for i, o in enumerate(outcomes[start : start + 10])
                ]
                try:
                    sqs.change_message_visibility_batch(QueueUrl=queue_url(arn), Entries=entries)
                except Exception:  # the record still comes back, after the queue's own visibility timeout
                    self.observability.logger.warning("could not delay retried events", exc_info=True)
