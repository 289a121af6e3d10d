"""The raw-delivery archive record: one JSON line per delivery, always small enough for Firehose."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from chalicelib.ingress import MAX_BODY_BYTES
from chalicelib.senders.base import WebhookDelivery
from chalicelib.wiring import raw_delivery_record

# HTTP API quota: "Total combined size of request line and header values: 10240 bytes".
API_GATEWAY_REQUEST_LINE_AND_HEADERS = 10240
# Firehose Record.Data: "The maximum size of the data blob, before base64-encoding, is 1,000 KiB."
FIREHOSE_MAX_RECORD_BYTES = 1_000 * 1024


def _delivery(body: bytes, headers: dict[str, str], url: str) -> WebhookDelivery:
    return WebhookDelivery(
        source="standard",
        body=body,
        headers=headers,
        correlation_id="corr-0001",
        received_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        method="POST",
        url=url,
        path_params={},
    )


def test_a_record_is_one_json_line_holding_the_delivery_as_received() -> None:
    body = b'{"text": "two\nlines"}\xff'  # a newline inside, and bytes that are not UTF-8
    record = raw_delivery_record(_delivery(body, {"webhook-id": "msg_1"}, "https://hooks.example/webhooks/standard"))

    assert record.endswith(b"\n")
    assert record.count(b"\n") == 1
    document = json.loads(record)
    assert document == {
        "source": "standard",
        "received_at": "2026-01-02T03:04:05+00:00",
        "correlation_id": "corr-0001",
        "method": "POST",
        "url": "https://hooks.example/webhooks/standard",
        "headers": {"webhook-id": "msg_1"},
        "body_base64": base64.b64encode(body).decode(),
    }
    assert base64.b64decode(document["body_base64"]) == body


def test_the_largest_accepted_delivery_fits_one_firehose_record() -> None:
    """A body at the 413 limit still fits with headers, and again a URL, each at API Gateway's whole
    request-line-and-headers quota and made of characters that JSON escapes to six bytes each."""
    worst = "\u00ff" * API_GATEWAY_REQUEST_LINE_AND_HEADERS
    delivery = _delivery(b"\xff" * MAX_BODY_BYTES, {"x-padding": worst}, f"https://hooks.example/{worst}")

    assert len(raw_delivery_record(delivery)) <= FIREHOSE_MAX_RECORD_BYTES
