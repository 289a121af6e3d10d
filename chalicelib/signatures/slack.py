"""Slack request signing v0, delegated to ``slack_sdk.signature.SignatureVerifier``.

slack_sdk is imported on the first Slack request: importing any of it loads the whole package
(its Web client and asyncio, ~90 ms), which an ingress container serving other senders never needs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from ._common import (
    InvalidSignatureError,
    SignedRequest,
    check_fresh,
    integer_timestamp,
    required_header,
    usable_secrets,
)

__all__ = ["sign_slack", "verify_slack"]

_SDK_WINDOW = 300  # slack_sdk rejects anything more than 5 minutes off, whatever we ask for


@functools.cache
def _sdk() -> tuple[Any, Any]:
    """(SignatureVerifier, a Clock class pinned to a given time)."""
    from slack_sdk.signature import Clock, SignatureVerifier

    class PinnedClock(Clock):
        def __init__(self, now: float) -> None:
            self._now = now

        def now(self) -> float:
            return self._now

    return SignatureVerifier, PinnedClock


def verify_slack(req: SignedRequest, secrets: Sequence[str], now: float, tolerance: int = 300) -> None:
    if tolerance > _SDK_WINDOW:
        raise ValueError(f"slack_sdk fixes the Slack window at {_SDK_WINDOW} s; tolerance cannot exceed it")
    keys = usable_secrets(secrets)
    signature = required_header(req, "X-Slack-Signature")
    timestamp = required_header(req, "X-Slack-Request-Timestamp")
    check_fresh(integer_timestamp(timestamp, "X-Slack-Request-Timestamp"), now, tolerance)
    if not signature.startswith("v0=") or not signature.isascii():
        raise InvalidSignatureError("X-Slack-Signature header must be v0= followed by a hex digest")
    try:
        body = req.body.decode()  # slack_sdk would decode it too, and raise on bad UTF-8
    except UnicodeDecodeError as err:
        raise InvalidSignatureError("body is not valid UTF-8") from err
    verifier, pinned_clock = _sdk()
    clock = pinned_clock(now)
    if not any(verifier(key, clock).is_valid(body, timestamp, signature) for key in keys):
        raise InvalidSignatureError("signature does not match")


def sign_slack(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    verifier, _ = _sdk()
    signature = verifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    if signature is None:  # only when timestamp is None, which the signature above rules out
        raise ValueError("slack_sdk could not sign the request")
    return {"X-Slack-Signature": signature, "X-Slack-Request-Timestamp": str(timestamp)}
