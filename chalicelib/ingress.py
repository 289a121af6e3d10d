"""The ingress pipeline, the same for every webhook sender.

verify (raw bytes) → replay window → adapt to canonical events → archive the raw delivery
(Firehose to S3) → publish once per provider dedupe key (Powertools idempotency on DynamoDB) → answer:
202 accepted (200 for Slack, whose interactivity contract is a 200 within 3 s), 200 recognised
duplicate (nothing republished); the body says which, unless every item asks for an empty answer
(Slack's ``view_submission``: an empty 200 closes the modal). Every rejection is a 4xx with a
JSON reason and publishes nothing; only a failing dependency answers 5xx, so the sender retries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib.senders.base import (
    Inbound,
    MalformedBodyError,
    SenderSecrets,
    UnusableBodyError,
    WebhookDelivery,
    WebhookSender,
)
from chalicelib.signatures import SignatureError
from talkworthy.errors import RetryableError

__all__ = [
    "HttpRequest",
    "InProgressError",
    "Ingress",
    "IngressResponse",
    "PublishOnce",
    "RawArchive",
    "SecretsProvider",
]

# Every accepted delivery must fit one archive record (Firehose: 1,000 KiB). Base64 makes 256 KiB
# 342 KiB, and the HTTP API caps the request line and header values at 10,240 bytes together (60 KiB
# at worst once JSON-escaped), so a record stays under half the limit (tests/unit/test_raw_archive_record.py).
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class HttpRequest:
    method: str
    source: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    request_id: str
    url: str
    path_params: Mapping[str, str]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class IngressResponse:
    """The answer; ``body`` is what is logged and counted, and sent unless ``empty`` (then nothing)."""

    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] | None = None
    empty: bool = False


class SecretsProvider(Protocol):
    def for_sender(self, sender: str, *, refresh: bool = False) -> SenderSecrets: ...


class RawArchive(Protocol):
    def store(self, delivery: WebhookDelivery) -> str:
        """Keep the delivery as received; return the archive's id for it (answered as ``archived``).

        Raises ``RetryableError`` when the archive cannot take it now.
        """


class PublishOnce(Protocol):
    def __call__(self, key: str, item: Inbound) -> bool:
        """Publish the item's events unless ``key`` was already published; True if new.

        Raises ``InProgressError`` while another request holds the same key.
        """


class InProgressError(Exception):
    """The same dedupe key is being published right now by another request."""


def _reject(status: int, reason: str, source: str) -> IngressResponse:
    return IngressResponse(status, {"status": "rejected", "source": source, "reason": reason})


class Ingress:
    def __init__(
        self,
        senders: Mapping[str, WebhookSender],
        secrets: SecretsProvider,
        archive: RawArchive,
        publish_once: PublishOnce,
        *,
        clock: Callable[[], float],
        count: Callable[[str, str], None],
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._senders = senders
        self._secrets = secrets
        self._archive = archive
        self._publish_once = publish_once
        self._clock = clock
        self._count = count
        self._max_body = max_body_bytes

    def handle(self, request: HttpRequest) -> IngressResponse:
        response = self._handle(request)
        outcome = response.body.get("status", "error")
        self._count(request.source if request.source in self._senders else "unknown", f"{outcome}:{response.status}")
        return response

    def _handle(self, request: HttpRequest) -> IngressResponse:
        sender = self._senders.get(request.source)
        if sender is None:
            return _reject(404, f"unknown source {request.source!r}; known: {sorted(self._senders)}", request.source)
        if len(request.body) > self._max_body:
            return _reject(413, f"body is {len(request.body)} bytes; the limit is {self._max_body}", sender.name)
        if request.content_type not in sender.content_types:
            expected = " or ".join(sender.content_types)
            return _reject(415, f"content type must be {expected}, got {request.content_type or 'none'!r}", sender.name)
        now = self._clock()
        delivery = WebhookDelivery(
            source=request.source,
            body=request.body,
            headers=request.headers,
            correlation_id=request.request_id,
            received_at=datetime.fromtimestamp(now, UTC),
            method=request.method,
            url=request.url,
            path_params=request.path_params,
        )
        try:
            self._verify(sender, delivery, now)
        except SignatureError as err:
            return _reject(401, err.reason, sender.name)
        try:
            items = sender.adapt(delivery)
        except MalformedBodyError as err:
            return _reject(400, err.reason, sender.name)
        except UnusableBodyError as err:
            return _reject(422, err.reason, sender.name)
        try:
            archive_id = self._archive.store(delivery)
            fresh = [item for item in items if self._publish_once(f"{sender.name}:{item.dedupe_key}", item)]
        except RetryableError as err:
            return IngressResponse(
                503,
                {"status": "error", "source": sender.name, "reason": f"temporarily unavailable: {err}"},
                {"Retry-After": "30"},
            )
        except InProgressError:
            return IngressResponse(
                409,
                {
                    "status": "in_progress",
                    "source": sender.name,
                    "reason": "the same delivery is being processed",
                },
                {"Retry-After": "5"},
            )
        published = sum(len(item.details) for item in fresh)
        body = {
            "status": "accepted" if fresh else "duplicate",
            "source": sender.name,
            "delivery": request.request_id,
            "archived": archive_id,
            "items": len(items),
            "published": published,
            "ignored": [item.ignored for item in items if item.ignored],
        }
        empty = bool(items) and all(item.empty_answer for item in items)
        return IngressResponse(sender.accepted_status if fresh else 200, body, empty=empty)

    def _verify(self, sender: WebhookSender, delivery: WebhookDelivery, now: float) -> None:
        try:
            sender.verify(delivery, self._secrets.for_sender(sender.name), now)
        except SignatureError:
            # A secret rotated in the last few minutes may not be in the cached copy yet.
            sender.verify(delivery, self._secrets.for_sender(sender.name, refresh=True), now)
