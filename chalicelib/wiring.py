"""The ingress composition root: real adapters built lazily, once per container."""

from __future__ import annotations

import base64
import functools
import json
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities import parameters
from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import Request

from chalicelib.action_links import ActionLinks
from chalicelib.delivery_metrics import DeliveryMetrics
from chalicelib.ingress import HttpRequest, Ingress, IngressResponse, InProgressError
from chalicelib.senders import SENDERS
from chalicelib.senders.base import Inbound, SenderSecrets, WebhookDelivery
from chalicelib.surveys import SurveyPages
from talkworthy.clients import aws_client
from talkworthy.errors import RetryableError
from talkworthy.idempotency import AlreadyInProgressError, DynamoDbOnce, InvocationDeadline
from talkworthy.publishing import EventBridgePublisher, EventPublisher
from talkworthy.settings import IngressSettings

__all__ = ["action_links", "ingress", "surveys", "to_http_request"]

logger = Logger(service="ingress")
DEDUPE_SECONDS = 7 * 24 * 3600  # longer than any sender's retry schedule (Standard Webhooks: ~3 days)
# An attempt that died between claiming a key and completing it frees the key after this long
# (longer than IngressFunction's Timeout), so a sender's retry publishes instead of a 409 for days.
IN_PROGRESS_SECONDS = 30


class SecretsManagerSecrets:
    """The webhook secrets document, cached 5 minutes; a forced refresh at most once a minute."""

    def __init__(self, arn: str, provider: parameters.SecretsProvider, min_refresh_interval: float = 60.0) -> None:
        self._arn = arn
        self._provider = provider
        self._interval = min_refresh_interval
        self._last_refresh = 0.0
        self._lock = threading.Lock()

    def for_sender(self, sender: str, *, refresh: bool = False) -> SenderSecrets:
        force = False
        if refresh:
            with self._lock:
                if time.monotonic() - self._last_refresh >= self._interval:
                    self._last_refresh = time.monotonic()
                    force = True
        try:
            document = self._provider.get(self._arn, transform="json", max_age=300, force_fetch=force)
        except parameters.exceptions.GetParameterError as err:
            raise RetryableError(f"webhook secrets unavailable: {err}") from err
        entry = document.get(sender, {}) if isinstance(document, dict) else {}
        return {key: list(values) for key, values in entry.items()}


def raw_delivery_record(delivery: WebhookDelivery) -> bytes:
    """The delivery as received, as one JSON Lines record; the body base64-encoded byte for byte."""
    document = {
        "source": delivery.source,
        "received_at": delivery.received_at.isoformat(),
        "correlation_id": delivery.correlation_id,
        "method": delivery.method,
        "url": delivery.url,
        "headers": dict(delivery.headers),
        "body_base64": base64.b64encode(delivery.body).decode(),
    }
    return json.dumps(document).encode() + b"\n"


class FirehoseRawArchive:
    """One PutRecord per delivery to a DirectPut Firehose stream.

    Firehose buffers the records into gzipped JSON Lines objects under ``raw/YYYY/MM/DD/HH/`` (UTC
    arrival hour) in the raw-deliveries bucket; ``correlation_id`` finds a delivery's line.
    """

    def __init__(self, client: Any, stream_name: str) -> None:
        self._client = client
        self._stream = stream_name

    def store(self, delivery: WebhookDelivery) -> str:
        try:
            answer = self._client.put_record(
                DeliveryStreamName=self._stream, Record={"Data": raw_delivery_record(delivery)}
            )
        except (ClientError, BotoCoreError) as err:
            raise RetryableError(f"raw archive write failed: {err}") from err
        return str(answer["RecordId"])


class IdempotentPublisher:
    """Publishes an item's events once per dedupe key (see talkworthy.idempotency)."""

    def __init__(self, publisher: EventPublisher, once: DynamoDbOnce) -> None:
        self._publisher = publisher
        self.once = once

    def __call__(self, key: str, item: Inbound) -> bool:
        details = item.details

        def publish() -> dict[str, Any]:
            if details:
                self._publisher.publish(details)
            return {"published": len(details)}

        try:
            _, ran = self.once.run(key, publish, InvocationDeadline(IN_PROGRESS_SECONDS))
        except AlreadyInProgressError as err:
            raise InProgressError(key) from err
        except (ClientError, BotoCoreError) as err:
            raise RetryableError(f"dedupe store or bus unavailable: {err}") from err
        return ran


@functools.cache
def settings() -> IngressSettings:
    return IngressSettings.load()


@functools.cache
def ingress() -> tuple[Ingress, IdempotentPublisher]:
    config = settings()
    publish_once = IdempotentPublisher(
        EventBridgePublisher(aws_client("events"), config.event_bus_name),
        DynamoDbOnce(config.idempotency_table, aws_client("dynamodb"), expires_after_seconds=DEDUPE_SECONDS),
    )
    pipeline = Ingress(
        SENDERS,
        SecretsManagerSecrets(
            config.webhook_secrets_arn, parameters.SecretsProvider(boto3_client=aws_client("secretsmanager"))
        ),
        FirehoseRawArchive(aws_client("firehose"), config.raw_delivery_stream),
        publish_once,
        clock=time.time,
        count=DeliveryMetrics(config.powertools_metrics_namespace),
    )
    return pipeline, publish_once


@functools.cache
def action_links() -> ActionLinks:
    from talkworthy.composition import link_signer

    _, publish_once = ingress()
    return ActionLinks(link_signer(settings().action_link_key), publish_once)


@functools.cache
def surveys() -> SurveyPages:
    from talkworthy.composition import survey_link_signer

    _, publish_once = ingress()
    return SurveyPages(survey_link_signer(settings().action_link_key), publish_once)


def to_http_request(request: Request, source: str, path: str, path_params: Mapping[str, str]) -> HttpRequest:
    headers = {name.lower(): value for name, value in request.headers.items()}
    context = request.context or {}
    base = settings().public_base_url.rstrip("/")
    if not base:  # the URL API Gateway was called on: https://{id}.execute-api.{region}.amazonaws.com[/{stage}]
        host = headers.get("host", context.get("domainName", "localhost"))
        stage = context.get("stage", "")
        scheme = headers.get("x-forwarded-proto", "http")
        # An HTTP API's $default stage is served at the root of the URL, without a stage segment.
        in_path = stage and stage != "$default" and "execute-api" in host
        base = f"{scheme}://{host}" + (f"/{stage}" if in_path else "")
    query = "&".join(f"{k}={v}" for k, v in (request.query_params or {}).items())
    return HttpRequest(
        method=request.method,
        source=source,
        headers=headers,
        body=_raw_bytes(request.raw_body),
        request_id=context.get("requestId") or str(uuid.uuid4()),
        url=f"{base}{path}" + (f"?{query}" if query else ""),
        path_params=path_params,
    )


def _raw_bytes(raw: str | bytes | None) -> bytes:
    if raw is None:
        return b""
    return raw if isinstance(raw, bytes) else raw.encode()


def respond(response: IngressResponse) -> dict[str, Any]:
    logger.info("delivery answered", extra={"status": response.status, **response.body})
    body: dict[str, Any] | str = "" if response.empty else response.body
    return {"status_code": response.status, "body": body, "headers": dict(response.headers or {})}
