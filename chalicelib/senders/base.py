"""The contract every webhook sender's adapter implements: verify the raw bytes, then adapt to canonical events."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from talkworthy.catalog.base import Detail, EventMeta

SenderSecrets = Mapping[str, Sequence[str]]

__all__ = [
    "Inbound",
    "MalformedBodyError",
    "SenderSecrets",
    "UnusableBodyError",
    "WebhookDelivery",
    "WebhookSender",
    "parse_json",
]


class MalformedBodyError(Exception):
    """The body is not what the content type promises (400)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnusableBodyError(Exception):
    """Well-formed, but not something this sender's adapter can turn into an event (422)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebhookDelivery:
    """One HTTP request as received, before anything trusts it."""

    source: str  # the ``/webhooks/{source}`` URL segment: which sender it claims to come from
    body: bytes
    headers: Mapping[str, str]  # lower-cased names
    correlation_id: str
    received_at: datetime
    method: str = "POST"
    url: str = ""
    path_params: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def meta(self, dedupe_key: str) -> EventMeta:
        """Metadata for an event from this delivery; the key is stable across redeliveries."""
        return EventMeta(
            event_key=f"{self.source}:{dedupe_key}",
            correlation_id=self.correlation_id,
            producer=f"talkworthy.ingress.{self.source}",
            occurred_at=self.received_at,
        )


@dataclass(frozen=True)
class Inbound:
    """One deduplicable item of a delivery and the events it becomes.

    ``details`` may be empty: the item is recognised and explicitly ignored (``ignored`` says why),
    which still answers 2xx so the sender does not retry it. ``empty_answer``: the sender's contract
    wants the 2xx with an empty body (Slack reads any body of a ``view_submission`` answer as a
    ``response_action``; only an empty one closes the modal).
    """

    dedupe_key: str
    details: Sequence[Detail]
    ignored: str | None = None
    empty_answer: bool = False


class WebhookSender(Protocol):
    name: str
    content_types: tuple[str, ...]
    accepted_status: int  # the answer to a new delivery: 202, or 200 where the sender's contract says so

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        """Raise ``chalicelib.signatures.SignatureError`` unless the delivery is authentic and fresh.

        ``secrets`` holds this sender's entry of the webhook secrets document, e.g.
        ``{"signing": ["new", "old"]}``: every list may hold several active values (rotation).
        """

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        """Turn a verified delivery into items; raise MalformedBodyError / UnusableBodyError."""


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MalformedBodyError(f"body is not valid JSON: {err}") from err
