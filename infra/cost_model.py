"""The modelled AWS bill of the mesh, from what a run actually did.

:class:`Meter` watches every AWS API call the mesh makes (botocore's one entry point) and counts
what each is billed on, the way the service bills it:

- DynamoDB on demand: capacity units, not calls. A write is 1 WCU per started KB of the item (an
  ``UpdateItem`` that returns no attributes counts 1: the mesh's updated items are small); each
  item of a ``TransactWriteItems`` costs 2 (condition checks too); an item that carries the GSI's
  key is written to the index too, and costs as much again. A read is 1 RCU per started 4 KB when
  strongly consistent, half of that when eventually consistent (GSIs always are); a ``Query``
  sums the items it returns; a key not found still costs a read, and a refused conditional write
  the units it would have written. Sizes use DynamoDB's rule: attribute names plus values.
- EventBridge: one event per ``PutEvents`` entry (per started 64 KB).
- Data Firehose: per record, rounded up to 5 KB; S3 ``PutObject``: per request.
- SES: per message sent (``SendEmail``); EventBridge Scheduler: per schedule created, as if each
  fires once (a cancelled one is not billed: an upper bound).

:func:`usage_cost` prices a per-mention :class:`Usage` with the us-east-1 list prices from
PERFORMANCE.md. What a run cannot observe is an assumption stated here: consumers receive SQS
batches of :data:`AVERAGE_BATCH` (one ``SendMessage`` by the rule, one receive and one batch
delete per batch); a handler runs for its measured CPU plus :data:`AWS_CALL_SECONDS` per AWS call
and :data:`SLACK_CALL_SECONDS` per Slack Web API call or reply posted on a community or social
platform (``reply_calls``); each invocation also logs Lambda's own
START/END/REPORT lines.
"""

from __future__ import annotations

import io
import logging
import math
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "AVERAGE_BATCH",
    "PRICE",
    "Meter",
    "Usage",
    "dynamodb_units",
    "item_size",
    "topology_floor",
    "usage_cost",
]

# us-east-1 list prices, USD (PERFORMANCE.md; Firehose and S3 from their pricing pages).
PRICE = {
    "http_api_per_request": 1.00e-6,
    "eventbridge_per_event": 1.00e-6,
    "sqs_per_request": 0.40e-6,
    "lambda_per_request": 0.20e-6,
    "lambda_per_gb_second_arm64": 0.0000133334,
    "dynamodb_per_wcu": 0.625e-6,
    "dynamodb_per_rcu": 0.125e-6,
    "firehose_per_gb": 0.029,
    "s3_per_put": 5.0e-6,
    "logs_per_gb": 0.50,
    "ses_per_email": 0.10e-3,
    "scheduler_per_invocation": 1.00e-6,
}
MEMORY_GB = 0.25
AVERAGE_BATCH = 5
AWS_CALL_SECONDS = 0.010
SLACK_CALL_SECONDS = 0.150
PLATFORM_LOG_BYTES = 350  # START, END and REPORT lines per invocation
FIREHOSE_BUFFER_BYTES = 5 * 1024 * 1024
_GB = 1024**3
INDEX_KEY = "gsi1pk"  # the mesh's and the CRM's tables both have one GSI, gsi1, projecting all attributes

# What the local runtime itself calls (polling queues, watching schedules); Lambda's event source
# mapping and Scheduler do this in the cloud, billed per delivery below.
_RUNTIME_ONLY = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessageBatch",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:CreateQueue",
    "scheduler:ListSchedules",
    "scheduler:GetSchedule",
}


_WIRE_TYPES = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}


def _wire(value: Any) -> Mapping[str, Any]:
    """The wire form of an attribute value: a boto3 ``Table`` hands botocore native Python values."""
    if isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in _WIRE_TYPES:
        return value
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer().serialize(value)


def _value_size(value: Any) -> int:
    ((kind, data),) = _wire(value).items()
    if kind in ("S", "B"):
        return len(data.encode() if isinstance(data, str) else bytes(data))
    if kind == "N":
        digits = len(data.lstrip("-").replace(".", "").strip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + item_size(data)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    return sum(len(str(v).encode()) for v in data)  # SS, NS, BS


def item_size(item: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for an item: every attribute's name plus its value."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _write_units(item: Mapping[str, Any] | None) -> int:
    """Units for one item written: per started KB, once more if it is in the index (gsi1, all projected)."""
    if not item:
        return 1
    units = max(1, math.ceil(item_size(item) / 1024))
    return units * 2 if INDEX_KEY in item else units


def _read_units(items: list[Mapping[str, Any]], consistent: bool) -> float:
    units = max(1, math.ceil(sum(item_size(i) for i in items) / 4096))
    return units if consistent else units / 2


def dynamodb_units(operation: str, params: Mapping[str, Any], response: Mapping[str, Any]) -> tuple[float, float]:
    """(WCU, RCU) one DynamoDB call consumes, from its request and response."""
    consistent = bool(params.get("ConsistentRead")) and "IndexName" not in params
    if operation == "PutItem":
        return _write_units(params["Item"]), 0.0
    if operation == "UpdateItem":
        return _write_units(response.get("Attributes")), 0.0
    if operation == "DeleteItem":
        return 1.0, 0.0
    if operation == "BatchWriteItem":
        requests = [r for rs in params["RequestItems"].values() for r in rs]
        return float(sum(_write_units(r.get("PutRequest", {}).get("Item")) for r in requests)), 0.0
    if operation == "TransactWriteItems":
        return float(sum(2 * _write_units(t.get("Put", {}).get("Item")) for t in params["TransactItems"])), 0.0
    if operation == "GetItem":
        item = response.get("Item")
        return 0.0, _read_units([item] if item else [], consistent)
    if operation == "Query":
        return 0.0, _read_units(response.get("Items", []), consistent)
    if operation == "BatchGetItem":  # every key asked for is a read, found or not
        units = 0.0
        for table, request in params["RequestItems"].items():
            found = response.get("Responses", {}).get(table, [])
            strong = bool(request.get("ConsistentRead"))
            units += sum(_read_units([i], strong) for i in found)
            units += (len(request["Keys"]) - len(found)) * _read_units([], strong)
        return 0.0, units
    if operation == "TransactGetItems":
        return 0.0, 2.0 * len(params["TransactItems"])
    return 0.0, 0.0


@dataclass
class Usage:
    """What a stretch of a run did, in billable units."""

    api_requests: float = 0
    ingress_invocations: float = 0
    consumer_deliveries: float = 0
    events: float = 0
    wcu: float = 0
    rcu: float = 0
    firehose_billed_bytes: float = 0
    s3_puts: float = 0
    aws_calls: float = 0
    slack_calls: float = 0
    reply_calls: float = 0
    emails: float = 0
    schedules: float = 0
    log_bytes: float = 0
    calls: dict[str, float] = field(default_factory=dict)

    def _combine(self, other: Usage, sign: int) -> Usage:
        counts = {
            f.name: getattr(self, f.name) + sign * getattr(other, f.name) for f in fields(self) if f.name != "calls"
        }
        calls = {k: self.calls.get(k, 0) + sign * other.calls.get(k, 0) for k in {*self.calls, *other.calls}}
        return Usage(**counts, calls={k: v for k, v in calls.items() if v})

    def __add__(self, other: Usage) -> Usage:
        return self._combine(other, 1)

    def __sub__(self, other: Usage) -> Usage:
        return self._combine(other, -1)

    def per(self, count: float) -> Usage:
        scaled = {f.name: getattr(self, f.name) / count for f in fields(self) if f.name != "calls"}
        return Usage(**scaled, calls={k: v / count for k, v in self.calls.items()})

    def copy(self) -> Usage:
        return self.per(1)


def _lambda_invocations(usage: Usage) -> float:
    return usage.ingress_invocations + usage.consumer_deliveries / AVERAGE_BATCH


def usage_cost(usage: Usage, cpu_seconds: float) -> dict[str, float]:
    """USD for the usage of one mention (``cpu_seconds``: measured handler CPU for it)."""
    invocations = _lambda_invocations(usage)
    outside_calls = usage.slack_calls + usage.reply_calls
    seconds = cpu_seconds + AWS_CALL_SECONDS * usage.aws_calls + SLACK_CALL_SECONDS * outside_calls
    firehose_objects = usage.firehose_billed_bytes / FIREHOSE_BUFFER_BYTES
    return {
        "api": usage.api_requests * PRICE["http_api_per_request"],
        "eventbridge": usage.events * PRICE["eventbridge_per_event"],
        "sqs": usage.consumer_deliveries * (1 + 2 / AVERAGE_BATCH) * PRICE["sqs_per_request"],
        "lambda_requests": invocations * PRICE["lambda_per_request"],
        "lambda_compute": seconds * MEMORY_GB * PRICE["lambda_per_gb_second_arm64"],
        "dynamodb": usage.wcu * PRICE["dynamodb_per_wcu"] + usage.rcu * PRICE["dynamodb_per_rcu"],
        "archive": usage.firehose_billed_bytes / _GB * PRICE["firehose_per_gb"]
        + (usage.s3_puts + firehose_objects) * PRICE["s3_per_put"],
        "logs": (usage.log_bytes + invocations * PLATFORM_LOG_BYTES) / _GB * PRICE["logs_per_gb"],
        "email": usage.emails * PRICE["ses_per_email"],
        "scheduler": usage.schedules * PRICE["scheduler_per_invocation"],
    }


def topology_floor() -> dict[str, float]:
    """USD per mention that the topology itself costs before any work: one webhook through the
    API, a two-write dedupe, ``Mention.Received`` and ``Mention.Enriched`` each on the bus and
    through a consumer queue, and the invocations that carry them."""
    hop = (1 + 2 / AVERAGE_BATCH) * PRICE["sqs_per_request"] + PRICE["lambda_per_request"] / AVERAGE_BATCH
    return {
        "api": PRICE["http_api_per_request"],
        "ingress_invocation": PRICE["lambda_per_request"],
        "dedupe_two_writes": 2 * PRICE["dynamodb_per_wcu"],
        "two_events": 2 * PRICE["eventbridge_per_event"],
        "two_queue_hops": 2 * hop,
    }


class _CountingStream(io.TextIOBase):
    def __init__(self, usage: Usage) -> None:
        self._usage = usage

    def write(self, text: str) -> int:
        self._usage.log_bytes += len(text.encode())
        return len(text)


class Meter:
    """Counts billable usage of every AWS call made in this process while :meth:`watching`."""

    def __init__(self) -> None:
        self.usage = Usage()

    def snapshot(self) -> Usage:
        return self.usage.copy()

    def _record(self, service: str, operation: str, params: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        name = f"{service}:{operation}"
        usage = self.usage
        usage.calls[name] = usage.calls.get(name, 0) + 1
        if name not in _RUNTIME_ONLY:
            usage.aws_calls += 1
        if service == "dynamodb":
            wcu, rcu = dynamodb_units(operation, params, response)
            usage.wcu, usage.rcu = usage.wcu + wcu, usage.rcu + rcu
        elif name == "events:PutEvents":
            usage.events += sum(math.ceil(len(str(e.get("Detail", ""))) / 65536) or 1 for e in params["Entries"])
        elif service == "firehose" and operation in ("PutRecord", "PutRecordBatch"):
            records = params["Records"] if operation == "PutRecordBatch" else [params["Record"]]
            usage.firehose_billed_bytes += sum(math.ceil(len(r["Data"]) / 5120) * 5120 for r in records)
        elif name == "s3:PutObject":
            usage.s3_puts += 1
        elif name in ("sesv2:SendEmail", "ses:SendEmail") and response:  # a refused message is not billed
            usage.emails += 1
        elif name == "scheduler:CreateSchedule" and response:  # nor a schedule that already existed
            usage.schedules += 1

    @contextmanager
    def watching(self) -> Iterator[Meter]:
        import botocore.client
        from botocore.exceptions import ClientError

        original = botocore.client.BaseClient._make_api_call
        meter = self

        def metered(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            try:
                response = original(client, operation, params)
            except ClientError:  # a refused conditional write or a cancelled transaction is billed too
                meter._record(service, operation, params, {})
                raise
            meter._record(service, operation, params, response)
            return response

        botocore.client.BaseClient._make_api_call = metered
        try:
            with self._counting_logs():
                yield self
        finally:
            botocore.client.BaseClient._make_api_call = original

    @contextmanager
    def _counting_logs(self) -> Iterator[None]:
        """Handlers log to stdout (Lambda ships it to CloudWatch Logs): count those bytes instead."""
        counter = _CountingStream(self.usage)
        swapped = []
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.__stdout__):
                    swapped.append((handler, handler.setStream(counter)))
        saved, sys.stdout = sys.stdout, counter
        try:
            yield
        finally:
            sys.stdout = saved
            for handler, stream in swapped:
                handler.setStream(stream)
