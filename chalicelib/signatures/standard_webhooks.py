"""Standard Webhooks v1 (also sent by Svix under ``svix-*`` header names): HMAC-SHA256, base64."""

from __future__ import annotations

import base64
import binascii
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

__all__ = ["sign_standard_webhooks", "verify_standard_webhooks"]


def _key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded text after ``whsec_`` (optional, as in the spec's library)."""
    encoded = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as err:
        raise ValueError("a Standard Webhooks secret must be whsec_ followed by base64") from err
    if not key:
        raise ValueError("a Standard Webhooks secret must not be empty")
    return key


def _signature(key: bytes, msg_id: bytes, timestamp: str, body: bytes) -> str:
    return "v1," + hmac_b64(key, msg_id + b"." + timestamp.encode() + b"." + body)


def verify_standard_webhooks(req: SignedRequest, secrets: Sequence[str], now: float, tolerance: int = 300) -> None:
    keys = [_key(secret) for secret in usable_secrets(secrets)]
    svix = req.header("webhook-signature") is None and req.header("svix-signature") is not None
    prefix = "svix-" if svix else "webhook-"
    msg_id = required_header(req, prefix + "id")
    timestamp = required_header(req, prefix + "timestamp")
    signatures = required_header(req, prefix + "signature")
    if "." in msg_id:
        raise InvalidSignatureError(f"{prefix}id header must not contain '.'")
    check_fresh(integer_timestamp(timestamp, prefix + "timestamp"), now, tolerance)
    # A space-separated list of "<version>,<base64>"; versions other than v1 (e.g. v1a) are skipped.
    offered = [entry for entry in signatures.split(" ") if entry.startswith("v1,")]
    if not offered:
        raise InvalidSignatureError(f"{prefix}signature header holds no v1 signature")
    id_bytes = header_bytes(msg_id, prefix + "id")
    if not any_match((_signature(key, id_bytes, timestamp, req.body) for key in keys), offered):
        raise InvalidSignatureError("signature does not match")


def sign_standard_webhooks(body: bytes, secret: str, msg_id: str, timestamp: int) -> dict[str, str]:
    if "." in msg_id:
        raise ValueError("a Standard Webhooks message id must not contain '.'")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": _signature(_key(secret), msg_id.encode(), str(timestamp), body),
    }
