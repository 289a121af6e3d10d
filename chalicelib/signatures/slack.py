"""Slack request signing v0, delegated to ``slack_sdk.signature.SignatureVerifier``."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.signature import Clock, SignatureVerifier

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


class _PinnedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


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
    clock = _PinnedClock(now)
    if not any(SignatureVerifier(key, clock).is_valid(body, timestamp, signature) for key in keys):
        raise InvalidSignatureError("signature does not match")


def sign_slack(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    if signature is None:  # only when timestamp is None, which the signature above rules out
        raise ValueError("slack_sdk could not sign the request")
    return {"X-Slack-Signature": signature, "X-Slack-Request-Timestamp": str(timestamp)}
