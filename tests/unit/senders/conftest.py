"""Shared helpers for the source tests: a secrets document, a pinned clock and delivery builders.

Every helper is reached through the ``hooks`` fixture (no imports between test modules).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.senders import SENDERS
from chalicelib.senders.base import Inbound, WebhookDelivery
from infra.samples import WebhookSample, load_webhook_samples, signed_request
from talkworthy.catalog import Detail

NOW = 1_763_800_000.0  # 2025-11-22T08:26:40Z, pinned: signatures carry timestamps
HUBSPOT_URL = "https://hooks.acme.example/webhooks/hubspot"
SECRETS: dict[str, dict[str, list[str]]] = {
    "standard": {"signing": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]},
    "zendesk": {"signing": ["dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="]},
    "hubspot": {"signing": ["yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"]},
    "discourse": {"signing": ["my_lovely_secret_for_web_hook"]},
    "canny": {"signing": ["canny-team-api-key-acme"], "path_token": ["p4th-t0ken-acme-7f3a"]},
    "intercom": {"signing": ["intercom-client-secret-acme"]},
    "slack": {"signing": ["8f742231b10e8888abcd99yyyzzz85a5"]},
}


class Hooks:
    """Builds deliveries as the ingress would: lower-cased headers, configured URL, path params."""

    now = NOW
    secrets = SECRETS
    hubspot_url = HUBSPOT_URL

    def __init__(self) -> None:
        self.samples = load_webhook_samples()

    def sample(self, source: str, name: str) -> WebhookSample:
        return next(s for s in self.samples if s.source == source and s.name == name)

    def of(self, source: str) -> list[WebhookSample]:
        return [s for s in self.samples if s.source == source]

    def signed(
        self,
        sample: WebhookSample,
        *,
        now: float = NOW,
        delivery_id: str | None = None,
        secrets: Mapping[str, Mapping[str, list[str]]] = SECRETS,
    ) -> WebhookDelivery:
        path, headers, body = signed_request(sample, secrets, HUBSPOT_URL, now, delivery_id)
        return self.delivery(sample.source, body, headers, path=path)

    def delivery(
        self, source: str, body: bytes, headers: Mapping[str, str] | None = None, *, path: str = ""
    ) -> WebhookDelivery:
        parts = path.strip("/").split("/")
        return WebhookDelivery(
            source=source,
            body=body,
            headers={name.lower(): value for name, value in (headers or {}).items()},
            correlation_id="corr-0001",
            received_at=datetime.fromtimestamp(NOW, UTC),
            url=HUBSPOT_URL if source == "hubspot" else f"https://hooks.acme.example/webhooks/{source}",
            path_params={"token": parts[2]} if len(parts) == 3 else {},
        )

    def replace(self, delivery: WebhookDelivery, **changes: Any) -> WebhookDelivery:
        fields = {name: getattr(delivery, name) for name in delivery.__dataclass_fields__}
        return WebhookDelivery(**(fields | changes))

    def with_json(self, sample: WebhookSample, body: Any) -> WebhookDelivery:
        """An unsigned delivery of ``sample``'s headers with another JSON body (adapt-only tests)."""
        return self.delivery(sample.source, json.dumps(body).encode(), sample.headers)

    def body(self, sample: WebhookSample) -> Any:
        return json.loads(sample.body)

    def run(self, delivery: WebhookDelivery) -> list[Inbound]:
        """Verify then adapt, as the ingress does."""
        source = SENDERS[delivery.source]
        source.verify(delivery, SECRETS[delivery.source], NOW)
        return source.adapt(delivery)

    def details(self, items: list[Inbound]) -> list[Detail]:
        return [detail for item in items for detail in item.details]

    def one(self, sample: WebhookSample) -> Detail:
        details = self.details(self.run(self.signed(sample)))
        assert len(details) == 1, details
        return details[0]


@pytest.fixture(scope="session")
def hooks() -> Hooks:
    return Hooks()
