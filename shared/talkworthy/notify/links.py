"""Signed, expiring one-click action links for e-mail.

A token is ``base64url(payload) + "." + base64url(HMAC-SHA256(key, context + payload segment))``
with the compact JSON payload ``{"a": action, "exp": epoch, "r": recipient, "t": target}``.
New tokens are signed with ``keys[0]``; every key in ``keys`` verifies, so a key is rotated by
putting the new one first and dropping the old one after ``ttl_seconds``. :meth:`verify` raises
only :class:`LinkError` subclasses, whatever the input.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from typing import cast

from pydantic import ValidationError

from talkworthy.actions import ACTION_LABELS, ActionName
from talkworthy.catalog import Target
from talkworthy.errors import ConfigurationError, InvalidInputError

__all__ = ["ActionLinkSigner", "BadSignatureError", "ExpiredLinkError", "LinkError", "MalformedLinkError"]

_CONTEXT = b"talkworthy.action-link.v1:"
_MAX_TOKEN = 4096
_MIN_KEY_BYTES = 32
_DIGEST_BYTES = 32
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class LinkError(InvalidInputError):
    """An action link that must not be honoured (a 4xx, never a 5xx)."""


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


class ActionLinkSigner:
    def __init__(self, keys: Sequence[bytes], ttl_seconds: int) -> None:
        if not keys:
            raise ConfigurationError("ActionLinkSigner needs at least one key")
        if any(len(key) < _MIN_KEY_BYTES for key in keys):
            raise ConfigurationError(f"every action-link key must be at least {_MIN_KEY_BYTES} bytes")
        if ttl_seconds <= 0:
            raise ConfigurationError("ttl_seconds must be positive")
        self._keys = tuple(bytes(key) for key in keys)
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def _mac(key: bytes, segment: str) -> bytes:
        return hmac.new(key, _CONTEXT + segment.encode("ascii"), hashlib.sha256).digest()

    def token(self, action: ActionName, target: Target, recipient: str, now: float) -> str:
        if action not in ACTION_LABELS:
            raise InvalidInputError(f"unknown action {action!r}")
        payload = {
            "a": action,
            "exp": int(now) + self.ttl_seconds,
            "r": recipient,
            "t": target.model_dump(mode="json", exclude_none=True),
        }
        segment = _b64encode(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{segment}.{_b64encode(self._mac(self._keys[0], segment))}"

    def verify(self, token: str, now: float) -> tuple[ActionName, Target, str]:
        """``(action, target, recipient)`` of a genuine, unexpired token; else a :class:`LinkError`."""
        if not isinstance(token, str) or len(token) > _MAX_TOKEN or token.count(".") != 1:
            raise MalformedLinkError("not an action token")
        segment, signature_text = token.split(".")
        signature = _b64decode(signature_text)
        _b64decode(segment)  # shape only: the MAC covers the text, the payload is read after it
        if len(signature) != _DIGEST_BYTES or _b64encode(signature) != signature_text:
            raise BadSignatureError("action token signature is invalid")
        valid = False
        for key in self._keys:  # no early exit: the time taken does not tell which key matched
            valid |= hmac.compare_digest(self._mac(key, segment), signature)
        if not valid:
            raise BadSignatureError("action token signature is invalid")
        try:
            payload = json.loads(_b64decode(segment))
            action, expires, recipient = payload["a"], payload["exp"], payload["r"]
            target = Target.model_validate(payload["t"])
        except (ValueError, TypeError, KeyError, RecursionError, ValidationError) as err:
            raise MalformedLinkError("action token payload is invalid") from err
        if (
            not isinstance(action, str)
            or action not in ACTION_LABELS
            or not isinstance(recipient, str)
            or type(expires) is not int
        ):
            raise MalformedLinkError("action token payload is invalid")
        if now >= expires:
            raise ExpiredLinkError("action link has expired")
        return cast(ActionName, action), target, recipient

    @staticmethod
    def url(base_url: str, token: str) -> str:
        """``{base_url}/actions/{token}``: the ingress serves ``GET /actions/{token}``."""
        return f"{base_url.rstrip('/')}/actions/{token}"

    def links(
        self, base_url: str, actions: Iterable[ActionName], target: Target, recipient: str, now: float
    ) -> dict[str, str]:
        """One signed URL per action: the ``links`` argument of ``render_email``."""
        return {action: self.url(base_url, self.token(action, target, recipient, now)) for action in actions}
