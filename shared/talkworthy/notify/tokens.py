"""Signed, expiring tokens for links in e-mails: action links and survey ratings share one scheme.

A token is ``base64url(payload) + "." + base64url(HMAC-SHA256(key, context + payload segment))``
with a compact JSON payload carrying ``exp`` (epoch seconds). The context names what a token is
for, so a token made for one kind of link never verifies as another. New tokens are signed with
``keys[0]``; every key in ``keys`` verifies, so a key is rotated by putting the new one first and
dropping the old one after ``ttl_seconds``. :meth:`TokenSigner.verify` raises only
:class:`LinkError` subclasses, whatever the input.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from typing import Any

from talkworthy.errors import ConfigurationError, InvalidInputError

__all__ = ["BadSignatureError", "ExpiredLinkError", "LinkError", "MalformedLinkError", "TokenSigner"]

_MAX_TOKEN = 4096
_MIN_KEY_BYTES = 32
_DIGEST_BYTES = 32
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class LinkError(InvalidInputError):
    """A link that must not be honoured (a 4xx, never a 5xx)."""


class MalformedLinkError(LinkError):
    """Not a token we could have issued."""


class BadSignatureError(LinkError):
    """Well formed, but no current key signed it."""


class ExpiredLinkError(LinkError):
    """Genuine, but older than the link lifetime."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not _SEGMENT.fullmatch(text) or len(text) % 4 == 1:
        raise MalformedLinkError("token is not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, keys: Sequence[bytes], ttl_seconds: int, context: bytes) -> None:
        if not keys:
            raise ConfigurationError("a link signer needs at least one key")
        if any(len(key) < _MIN_KEY_BYTES for key in keys):
            raise ConfigurationError(f"every link key must be at least {_MIN_KEY_BYTES} bytes")
        if ttl_seconds <= 0:
            raise ConfigurationError("ttl_seconds must be positive")
        self._keys = tuple(bytes(key) for key in keys)
        self._context = context
        self.ttl_seconds = ttl_seconds

    def _mac(self, key: bytes, segment: str) -> bytes:
        return hmac.new(key, self._context + segment.encode("ascii"), hashlib.sha256).digest()

    def sign(self, payload: dict[str, Any], now: float) -> str:
        body = {**payload, "exp": int(now) + self.ttl_seconds}
        segment = _b64encode(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{segment}.{_b64encode(self._mac(self._keys[0], segment))}"

    def verify(self, token: str, now: float) -> dict[str, Any]:
        """The payload of a genuine, unexpired token; else a :class:`LinkError`."""
        if not isinstance(token, str) or len(token) > _MAX_TOKEN or token.count(".") != 1:
            raise MalformedLinkError("not a link token")
        segment, signature_text = token.split(".")
        signature = _b64decode(signature_text)
        _b64decode(segment)  # shape only: the MAC covers the text, the payload is read after it
        if len(signature) != _DIGEST_BYTES or _b64encode(signature) != signature_text:
            raise BadSignatureError("link signature is invalid")
        valid = False
        for key in self._keys:  # no early exit: the time taken does not tell which key matched
            valid |= hmac.compare_digest(self._mac(key, segment), signature)
        if not valid:
            raise BadSignatureError("link signature is invalid")
        try:
            payload = json.loads(_b64decode(segment))
        except (ValueError, RecursionError) as err:
            raise MalformedLinkError("link payload is invalid") from err
        if not isinstance(payload, dict) or type(payload.get("exp")) is not int:
            raise MalformedLinkError("link payload is invalid")
        if now >= payload["exp"]:
            raise ExpiredLinkError("link has expired")
        return payload
