"""The one loader for vendor webhook samples, and the sender side that signs them like the vendor.

A sample is ``events/webhooks/<source>/<name>.json``::

    {"description": "...", "headers": {...non-signature headers...},
     "body": <JSON value>,                    # JSON sources
     "form": {"payload": <JSON object>},      # Slack interactivity (form-encoded) instead of "body"
     "expect": {"status": 202 | 200, "detail_types": ["Mention.Received", ...]}}

``expect`` says what the ingress answers to the first delivery of the sample and what it publishes:
202 (stored; new items published) with the detail types in order, an empty list when every item is
recognised and explicitly ignored. 200 is the answer to a redelivery (a duplicate, nothing published).
Tests, the demo feed and benchmarks all read samples here and sign them with ``signed_request``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, ValidationError

from chalicelib.signatures import (
    sign_canny,
    sign_discourse,
    sign_hubspot_v3,
    sign_intercom,
    sign_slack,
    sign_standard_webhooks,
    sign_zendesk,
)

__all__ = [
    "SAMPLES_ROOT",
    "SampleError",
    "SampleExpectation",
    "WebhookSample",
    "load_webhook_samples",
    "signed_request",
]

SAMPLES_ROOT = Path(__file__).resolve().parents[1] / "events" / "webhooks"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

SecretsDocument = Mapping[str, Mapping[str, Sequence[str]]]


class SampleError(ValueError):
    """A sample file does not follow the format above."""


@dataclass(frozen=True)
class SampleExpectation:
    status: int
    detail_types: tuple[str, ...]


@dataclass(frozen=True)
class WebhookSample:
    source: str  # the URL name: /webhooks/<source>
    name: str
    path: Path
    content_type: str
    body: bytes  # exactly the bytes the sender posts (and signs)
    headers: Mapping[str, str]  # non-signature headers, e.g. X-Discourse-Event
    expect: SampleExpectation
    description: str = ""


class _Expect(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    status: Literal[200, 202]
    detail_types: list[str]


class _SampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    headers: dict[str, str] = {}
    body: Any = None
    form: dict[str, Any] | None = None
    expect: _Expect


def load_webhook_samples(root: Path = SAMPLES_ROOT) -> list[WebhookSample]:
    """Every sample under ``root``, sorted by source then name; a malformed file raises SampleError."""
    return [_load(path) for path in sorted(root.glob("*/*.json"))]


def _load(path: Path) -> WebhookSample:
    try:
        doc = _SampleFile.model_validate_json(path.read_bytes())
    except ValidationError as err:
        raise SampleError(f"{path}: {err}") from err
    if ("body" in doc.model_fields_set) == (doc.form is not None):
        raise SampleError(f"{path}: give exactly one of 'body' (JSON) and 'form' (url-encoded)")
    if doc.form is not None:
        fields = {key: val if isinstance(val, str) else _compact(val) for key, val in doc.form.items()}
        content_type, body = FORM_TYPE, urlencode(fields).encode()
    else:
        content_type, body = JSON_TYPE, _compact(doc.body).encode()
    from chalicelib.senders import SENDERS

    sender = SENDERS.get(path.parent.name)
    accepted = sender.accepted_status if sender is not None else 202
    if doc.expect.status == 200 and accepted != 200 and doc.expect.detail_types:
        raise SampleError(f"{path}: a 200 (duplicate) publishes nothing; detail_types must be empty")
    return WebhookSample(
        source=path.parent.name,
        name=path.stem,
        path=path,
        content_type=content_type,
        body=body,
        headers=dict(doc.headers),
        expect=SampleExpectation(doc.expect.status, tuple(doc.expect.detail_types)),
        description=doc.description,
    )


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def signed_request(
    sample: WebhookSample,
    secrets: SecretsDocument,
    url: str,
    now: float,
    delivery_id: str | None = None,
) -> tuple[str, dict[str, str], bytes]:
    """``(path, headers, body)`` of the request the vendor would send for ``sample`` at ``now``.

    ``secrets`` is the webhook secrets document (``{"hubspot": {"signing": [...]}, ...}``); the
    first value of each list signs. ``url`` is the full public URL HubSpot is configured to call
    (the one the ingress verifies against); other sources ignore it. ``delivery_id`` becomes the
    Standard Webhooks ``webhook-id`` and the Canny nonce; by default both derive from the sample
    name, so signing the same sample twice yields the same dedupe key (a redelivery).
    """
    source = sample.source
    body = sample.body
    path = f"/webhooks/{source}"
    headers = {"Content-Type": sample.content_type, **sample.headers}
    seed = delivery_id or hashlib.sha256(f"{source}/{sample.name}".encode()).hexdigest()[:32]
    if source == "standard":
        msg_id = delivery_id or f"msg_{seed}"
        headers |= sign_standard_webhooks(body, _first(secrets, source, "signing"), msg_id, int(now))
    elif source == "zendesk":
        stamp = datetime.fromtimestamp(int(now), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers |= sign_zendesk(body, _first(secrets, source, "signing"), stamp)
    elif source == "hubspot":
        headers |= sign_hubspot_v3(body, _first(secrets, source, "signing"), "POST", url, int(now * 1000))
    elif source == "discourse":
        headers |= sign_discourse(body, _first(secrets, source, "signing"))
    elif source == "canny":
        path = f"{path}/{_first(secrets, source, 'path_token')}"
        headers |= sign_canny(_first(secrets, source, "signing"), seed, int(now * 1000))
    elif source == "intercom":
        headers |= sign_intercom(body, _first(secrets, source, "signing"))
    elif source == "slack":
        headers |= sign_slack(body, _first(secrets, source, "signing"), int(now))
    else:
        raise SampleError(f"{sample.path}: no sender knows how to sign for source {source!r}")
    return path, headers, body


def _first(secrets: SecretsDocument, source: str, key: str) -> str:
    values = secrets.get(source, {}).get(key) or ()
    if isinstance(values, str) or not values:
        raise KeyError(f"the secrets document has no {source}.{key} list")
    return values[0]
