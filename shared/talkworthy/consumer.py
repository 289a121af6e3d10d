"""How every queue-fed handler reads its batch: one wiring, so handlers stay a few lines.

EventBridge rule → SQS queue (+DLQ) → Lambda. Each SQS record body is an EventBridge envelope;
the detail is parsed into its catalog model, the original delivery's correlation id is put on
every log line, and a failing record is reported alone (``ReportBatchItemFailures``) so SQS
retries only it and, after ``maxReceiveCount``, moves it to the function's DLQ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from talkworthy.catalog.base import Detail
from talkworthy.errors import InvalidInputError

__all__ = ["Delivery", "LambdaHandler", "read_detail", "sqs_consumer"]

D = TypeVar("D", bound=Detail)
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class Delivery:
    """What a use case may need to know about how the event reached it."""

    event_id: str
    replay_name: str | None
    receive_count: int
    lambda_context: Any = None

    @property
    def is_replay(self) -> bool:
        return self.replay_name is not None


def read_detail(body: str, *models: type[D]) -> tuple[EventBridgeModel, D]:
    """Parse an EventBridge envelope and its detail; a detail-type not expected is an input error."""
    envelope = EventBridgeModel.model_validate_json(body)
    for model in models:
        if envelope.detail_type == model.DETAIL_TYPE:
            return envelope, model.model_validate(envelope.detail)
    expected = ", ".join(model.DETAIL_TYPE for model in models)
    raise InvalidInputError(f"expected {expected}, got {envelope.detail_type}")


def sqs_consumer(
    models: type[D] | tuple[type[D], ...], service: str, handle: Callable[[D, Delivery], None]
) -> LambdaHandler:
    """The Lambda handler for a queue fed by rules matching ``models``' detail-types."""
    expected = models if isinstance(models, tuple) else (models,)
    logger = Logger(service=service)
    metrics = Metrics(service=service)
    tracer = Tracer(service=service)
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: SQSRecord) -> None:
        context = getattr(processor, "lambda_context", None)
        envelope, detail = read_detail(record.body, *expected)
        logger.set_correlation_id(detail.meta.correlation_id)
        logger.append_keys(event_key=detail.meta.event_key, detail_type=detail.DETAIL_TYPE)
        tracer.put_annotation("correlation_id", detail.meta.correlation_id)
        delivery = Delivery(
            event_id=envelope.id,
            replay_name=envelope.replay_name,
            receive_count=int(record.attributes.approximate_receive_count or 1),
            lambda_context=context,
        )
        try:
            handle(detail, delivery)
        except Exception:
            metrics.add_metric(name="EventsFailed", unit=MetricUnit.Count, value=1)
            logger.exception("handler failed", extra={"receive_count": delivery.receive_count})
            raise
        metrics.add_metric(name="EventsHandled", unit=MetricUnit.Count, value=1)

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics(capture_cold_start_metric=True)
    @tracer.capture_lambda_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
        return dict(response)

    return lambda_handler
