"""Signed, expiring one-click action links for e-mail.

A token (``notify/tokens.py``, context ``talkworthy.action-link.v1:``) carries the compact JSON
payload ``{"a": action, "exp": epoch, "r": recipient, "t": target}``. :meth:`verify` raises only
:class:`LinkError` subclasses, whatever the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from pydantic import ValidationError

from talkworthy.actions import ACTION_LABELS, ActionName
from talkworthy.catalog import Target
from talkworthy.errors import InvalidInputError
from talkworthy.notify.tokens import BadSignatureError, ExpiredLinkError, LinkError, MalformedLinkError, TokenSigner

__all__ = ["ActionLinkSigner", "BadSignatureError", "ExpiredLinkError", "LinkError", "MalformedLinkError"]

_CONTEXT = b"talkworthy.action-link.v1:"


class ActionLinkSigner:
    def __init__(self, keys: Sequence[bytes], ttl_seconds: int) -> None:
        self._tokens = TokenSigner(keys, ttl_seconds, _CONTEXT)
        self.ttl_seconds = ttl_seconds

    def token(self, action: ActionName, target: Target, recipient: str, now: float) -> str:
        if action not in ACTION_LABELS:
            raise InvalidInputError(f"unknown action {action!r}")
        payload = {"a": action, "r": recipient, "t": target.model_dump(mode="json", exclude_none=True)}
        return self._tokens.sign(payload, now)

    def verify(self, token: str, now: float) -> tuple[ActionName, Target, str]:
        """``(action, target, recipient)`` of a genuine, unexpired token; else a :class:`LinkError`."""
        payload = self._tokens.verify(token, now)
        try:
            action, recipient = payload["a"], payload["r"]
            target = Target.model_validate(payload["t"])
        except (TypeError, KeyError, ValidationError) as err:
            raise MalformedLinkError("action token payload is invalid") from err
        if not isinstance(action, str) or action not in ACTION_LABELS or not isinstance(recipient, str):
            raise MalformedLinkError("action token payload is invalid")
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
