"""Zendesk webhooks: base64(HMAC-SHA256(secret, timestamp + body)), RFC3339 timestamp.

The secret is used as its literal UTF-8 text even though it looks like base64. An older Zendesk
page signed body + timestamp; that order is a known documentation erratum and is rejected here.
Zendesk prescribes no replay window; the timestamp is covered by the MAC, so we apply our own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from ._common import (
    InvalidSignatureError,
    SignedRequest,
    any_match,
    check_fresh,
    hmac_b64,
    required_header,
    usable_secrets,
)

__all__ = ["sign_zendesk", "verify_zendesk"]

_SIGNATURE = "X-Zendesk-Webhook-Signature"
_TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp"
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _parse_rfc3339(value: str) -> float:
    if not _RFC3339.fullmatch(value):
        raise InvalidSignatureError(f"{_TIMESTAMP} header is not an RFC 3339 date-time")
    try:
        return datetime.fromisoformat(value.upper()).timestamp()
    except (ValueError, OverflowError) as err:  # e.g. month 13, leap second 60
        raise InvalidSignatureError(f"{_TIMESTAMP} header is not an RFC 3339 date-time") from err


def _signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac_b64(secret.encode(), timestamp.encode() + body)


def verify_zendesk(req: SignedRequest, secrets: Sequence[str], now: float, tolerance: int = 300) -> None:
    keys = usable_secrets(secrets)
    signature = required_header(req, _SIGNATURE)
    timestamp = required_header(req, _TIMESTAMP)
    check_fresh(_parse_rfc3339(timestamp), now, tolerance)
    if not any_match((_signature(key, timestamp, req.body) for key in keys), [signature]):
        raise InvalidSignatureError("signature does not match")


def sign_zendesk(body: bytes, secret: str, timestamp: str) -> dict[str, str]:
    return {_SIGNATURE: _signature(secret, timestamp, body), _TIMESTAMP: timestamp}
