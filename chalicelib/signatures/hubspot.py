"""HubSpot request signature v3: base64(HMAC-SHA256(secret, method + uri + body + timestamp_ms)).

``uri`` is the public URL HubSpot was configured to call, passed in by the caller: behind API
Gateway and custom domains the Host / X-Forwarded-* headers do not reproduce it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._common import (
    InvalidSignatureError,
    SignedRequest,
    any_match,
    check_fresh,
    hmac_b64,
    integer_timestamp,
    required_header,
    usable_secrets,
)

__all__ = ["sign_hubspot_v3", "verify_hubspot_v3"]

_SIGNATURE = "X-HubSpot-Signature-v3"
_TIMESTAMP = "X-HubSpot-Request-Timestamp"
# HubSpot signs the URI with exactly these escapes decoded (one pass, so "%253A" stays as it is).
_DECODED_ESCAPES = re.compile(r"%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)", re.IGNORECASE)


def _signed_uri(url: str) -> str:
    if not url:
        raise ValueError("HubSpot v3 needs the configured public URL of the webhook")
    return _DECODED_ESCAPES.sub(lambda match: chr(int(match.group(1), 16)), url)


def _signature(secret: str, method: str, url: str, body: bytes, timestamp_ms: str) -> str:
    prefix = (method.upper() + _signed_uri(url)).encode()
    return hmac_b64(secret.encode(), prefix + body + timestamp_ms.encode())


def verify_hubspot_v3(req: SignedRequest, secrets: Sequence[str], now: float, tolerance: int = 300) -> None:
    keys = usable_secrets(secrets)
    _signed_uri(req.url)  # a missing URL is a configuration error: fail before looking at the request
    signature = required_header(req, _SIGNATURE)
    timestamp = required_header(req, _TIMESTAMP)
    check_fresh(integer_timestamp(timestamp, _TIMESTAMP) / 1000, now, tolerance)
    expected = (_signature(key, req.method, req.url, req.body, timestamp) for key in keys)
    if not any_match(expected, [signature]):
        raise InvalidSignatureError("signature does not match")


def sign_hubspot_v3(body: bytes, secret: str, method: str, url: str, timestamp_ms: int) -> dict[str, str]:
    return {
        _SIGNATURE: _signature(secret, method, url, body, str(timestamp_ms)),
        _TIMESTAMP: str(timestamp_ms),
    }
