"""Canny: base64(HMAC-SHA256(api_key, nonce)), keyed by the team API key.

The signature covers only the nonce, never the body, so it is weak authentication: we also hold
``canny-timestamp`` (ms) to a window, and the caller must dedupe on the nonce this returns.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._common import (
    InvalidSignatureError,
    SignedRequest,
    any_match,
    check_fresh,
    header_bytes,
    hmac_b64,
    integer_timestamp,
    required_header,
    usable_secrets,
)

__all__ = ["sign_canny", "verify_canny"]

_SIGNATURE = "canny-signature"
_NONCE = "canny-nonce"
_TIMESTAMP = "canny-timestamp"


def verify_canny(req: SignedRequest, secrets: Sequence[str], now: float, tolerance: int = 300) -> str:
    """Return the verified nonce, for the caller's replay dedupe."""
    keys = usable_secrets(secrets)
    signature = required_header(req, _SIGNATURE)
    nonce = required_header(req, _NONCE)
    timestamp = required_header(req, _TIMESTAMP)
    check_fresh(integer_timestamp(timestamp, _TIMESTAMP) / 1000, now, tolerance)
    nonce_bytes = header_bytes(nonce, _NONCE)
    if not any_match((hmac_b64(key.encode(), nonce_bytes) for key in keys), [signature]):
        raise InvalidSignatureError("signature does not match")
    return nonce


def sign_canny(secret: str, nonce: str, timestamp_ms: int) -> dict[str, str]:
    return {
        _SIGNATURE: hmac_b64(secret.encode(), nonce.encode()),
        _NONCE: nonce,
        _TIMESTAMP: str(timestamp_ms),
    }
