"""A local Lambda runtime: polls each function's queue and invokes its handler in-process.

It hands the handler the real SQS event shape, honours ``ReportBatchItemFailures`` (only the
reported records stay on the queue; an exception fails the whole batch), leaves failed records
invisible for the queue's visibility timeout and lets SQS redrive them to the DLQ after
``maxReceiveCount``. Scheduled functions are fired on their ``rate(...)`` or ``cron(...)``.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from infra.local.faults import Faults
from infra.local.provision import FunctionSpec, QueueSource, ScheduleSource
from infra.local.schedules import next_fire
from infra.local.trace import Trace
from talkworthy.settings import use_environment

__all__ = ["LambdaContext", "LocalFunction", "QueueWorker", "ScheduleWorker"]


@dataclass
class LambdaContext:
    """What Powertools reads from the Lambda context object."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "local"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LocalFunction:
    def __init__(self, spec: FunctionSpec, region: str, account: str) -> None:
        self.spec = spec
        self.region = region
        self.account = account
        self._module: ModuleType | None = None
        self._cold = threading.Lock()
        self._warm = False

    @property
    def short_name(self) -> str:
        return self.spec.logical_id.removesuffix("Function").lower()

    def entry(self) -> Any:
        """The handler object, importing ``<CodeUri>/<module>.py`` once, as a cold start would."""
        module_name, _, attribute = self.spec.handler.rpartition(".")
        if self._module is None:
            path = self.spec.code_dir / f"{module_name.replace('.', '/')}.py"
            spec = importlib.util.spec_from_file_location(f"talkworthy_local_{self.spec.logical_id}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._module = module
        return getattr(self._module, attribute)

    def context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self.spec.name,
            memory_limit_in_mb=self.spec.memory,
            invoked_function_arn=f"arn:aws:lambda:{self.region}:{self.account}:function:{self.spec.name}",
            timeout_seconds=self.spec.timeout,
        )

    def invoke(self, event: dict[str, Any]) -> Any:
        """Call the handler as this function: with its own environment (handlers share the process).

        Concurrent invocations share one module (on Lambda each would have its own container), so
        the first runs alone: the import and what the handler builds once per container (settings,
        ports, clients) are built once, before any other invocation may read them.
        """
        if not self._warm:
            with self._cold:
                if not self._warm:
                    try:
                        return self._call(event)
                    finally:
                        self._warm = True
        return self._call(event)

    def _call(self, event: dict[str, Any]) -> Any:
        with use_environment(self.spec.environment):  # a ContextVar: set in this invocation's own thread
            return self.entry()(event, self.context())


def _bridge_body(body: str, account: str) -> str:
    """moto delivers the EventBridge envelope without ``account``; AWS always sets it."""
    try:
        envelope = json.loads(body)
    except json.JSONDecodeError:
        return body
    if isinstance(envelope, dict) and "detail-type" in envelope and "account" not in envelope:
        envelope["account"] = account
        return json.dumps(envelope)
    return body


class QueueWorker:
    """Drains one event source mapping: receive a batch, invoke, delete what succeeded."""

    def __init__(
        self, function: LocalFunction, source: QueueSource, sqs: Any, trace: Trace, faults: Faults | None = None
    ) -> None:
        self.function = function
        self.faults = faults  # TALKWORTHY_FAULTS: invocations that die mid-batch
        self.source = source
        self.sqs = sqs
        self.trace = trace
        self.backlog = threading.Event()  # a full batch came back: more concurrent batches may help
        self._lock = threading.Lock()
        self._running = 0  # batches received and not yet deleted or released
        self.received: set[str] = set()  # event keys handed to the handler (what a loss count needs)
        self.completed: set[str] = set()  # event keys whose record the handler finished (deleted)

    @property
    def running(self) -> int:
        return self._running

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": _bridge_body(message["Body"], self.function.account),
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.source.queue_arn,
            "awsRegion": self.function.region,
        }

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.source.queue_url,
            MaxNumberOfMessages=count,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=wait_seconds,
        ).get("Messages", [])
        return messages

    def _gather(self, received: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A batch as the event source mapping gathers one: after the first messages, more until
        ``BatchSize`` or ``MaximumBatchingWindowInSeconds``."""
        if not self.source.batching_window:
            return received
        window_ends = time.monotonic() + self.source.batching_window
        while len(received) < self.source.batch_size:
            left = window_ends - time.monotonic()
            if left <= 0:
                break
            received += self._receive(min(10, self.source.batch_size - len(received)), max(1, round(left)))
        return received

    def poll_once(self, wait_seconds: int = 0) -> int:
        """One receive-invoke-delete cycle (long-polling up to ``wait_seconds``, as the event source
        mapping does); returns how many records were handled."""
        received = self._receive(min(10, self.source.batch_size), wait_seconds)  # SQS gives at most 10 a call
        if not received:
            return 0
        with self._lock:
            self._running += 1
        try:
            return self._handle(self._gather(received))
        finally:
            with self._lock:
                self._running -= 1

    def _handle(self, received: list[dict[str, Any]]) -> int:
        records = [self._record(message) for message in received]
        started = time.perf_counter()
        failed: set[str]
        try:
            if self._crashes(records):  # the first half's effects happen, then the invocation dies
                self.function.invoke({"Records": records[: len(records) // 2]})
                raise RuntimeError("injected fault: the invocation died mid-batch")
            response = self.function.invoke({"Records": records})
            failed = self._reported_failures(response, records)
        except Exception as err:  # the whole batch fails, as on Lambda
            self.trace.note(f"{self.function.short_name} raised {type(err).__name__}: {err}")
            failed = {record["messageId"] for record in records}
        millis = (time.perf_counter() - started) * 1000
        done = [r for r in records if r["messageId"] not in failed]
        for start in range(0, len(done), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done[start : start + 10])
                ],
            )
        self._release_sooner([r for r in records if r["messageId"] in failed])
        for record in records:
            detail_type, correlation, key = _describe(record["body"])
            outcome = "failed" if record["messageId"] in failed else "ok"
            with self._lock:
                self.received.add(key)
                if outcome == "ok":
                    self.completed.add(key)
            self.trace.hop(detail_type, self.function.short_name, outcome, millis / len(records), correlation, key)
        return len(records)

    def _release_sooner(self, failed: list[dict[str, Any]]) -> None:
        seconds = self.faults.plan.failed_visible_after_seconds if self.faults is not None else None
        for start in range(0, len(failed) if seconds is not None else 0, 10):
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": r["receiptHandle"], "VisibilityTimeout": seconds}
                    for i, r in enumerate(failed[start : start + 10])
                ],
            )

    def _crashes(self, records: list[dict[str, Any]]) -> bool:
        if self.faults is None or len(records) < 2:
            return False
        crash = self.faults.plan.handler_crash
        if crash.functions and self.function.spec.logical_id not in crash.functions:
            return False
        return self.faults.draw("handler_crash", {"handler_crash": crash.rate}) is not None

    def _reported_failures(self, response: Any, records: list[dict[str, Any]]) -> set[str]:
        ids = {record["messageId"] for record in records}
        if not self.source.report_batch_item_failures or not response:
            return set()
        failures = response.get("batchItemFailures") or []
        reported = {item.get("itemIdentifier") for item in failures}
        if not reported <= ids:  # Lambda treats an unknown or empty identifier as a complete failure
            return ids
        return {identifier for identifier in reported if identifier}


def _describe(body: str) -> tuple[str, str, str]:
    """(detail-type, correlation id, event key) of an EventBridge envelope, for the trace."""
    try:
        envelope = json.loads(body)
        meta = envelope["detail"]["meta"]
        return envelope.get("detail-type", "?"), meta["correlation_id"], meta["event_key"]
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
        return "?", "-", body[:64]


class ScheduleWorker:
    """Fires a function's ``rate(...)`` or ``cron(...)`` schedule with the scheduled-event shape.

    A ``rate`` fires once at start (as a freshly deployed rule soon would), then every period; a
    ``cron`` fires at each matching minute (in its time zone: UTC for rules, the schedule's own
    ``ScheduleExpressionTimezone`` for ``ScheduleV2``).
    """

    def __init__(
        self,
        function: LocalFunction,
        schedule: ScheduleSource,
        trace: Trace,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.function = function
        self.schedule = schedule
        self.trace = trace
        self._clock = clock
        now = self._now()
        self._next = now if schedule.expression.startswith("rate(") else next_fire(schedule.expression, now)

    def _now(self) -> datetime:
        return self._clock().astimezone(ZoneInfo(self.schedule.timezone))

    @property
    def next_at(self) -> datetime | None:
        return self._next

    def due(self) -> bool:
        return self._next is not None and self._now() >= self._next

    def fire(self) -> None:
        self._next = next_fire(self.schedule.expression, self._now())
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.function.account,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.function.region,
            "resources": [f"arn:aws:events:{self.function.region}:{self.function.account}:rule/{self.schedule.name}"],
            "detail": {},
        }
        started = time.perf_counter()
        try:
            self.function.invoke(event)
            outcome = "ok"
        except Exception as err:
            self.trace.note(f"{self.function.short_name} raised {type(err).__name__}: {err}")
            outcome = "failed"
        self.trace.hop(
            "Scheduled Event", self.function.short_name, outcome, (time.perf_counter() - started) * 1000, "-"
        )
