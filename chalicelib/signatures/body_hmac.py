"""Schemes that sign only the raw body, as "<alg>=<hex HMAC>", with no timestamp (no replay window).

Discourse: ``X-Discourse-Event-Signature: sha256=<hex>``. Intercom: ``X-Hub-Signature: sha1=<hex>``
(the same shape as GitHub's legacy header).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from ._common import InvalidSignatureError, SignedRequest, any_match, required_header, usable_secrets

__all__ = ["sign_discourse", "sign_intercom", "verify_discourse", "verify_intercom"]

_DISCOURSE = ("X-Discourse-Event-Signature", "sha256")
_INTERCOM = ("X-Hub-Signature", "sha1")


def _signature(secret: str, body: bytes, digest: str) -> str:
    return f"{digest}={hmac.new(secret.encode(), body, digest).hexdigest()}"


def _verify(req: SignedRequest, secrets: Sequence[str], scheme: tuple[str, str]) -> None:
    header, digest = scheme
    keys = usable_secrets(secrets)
    signature = required_header(req, header)
    if not signature.startswith(digest + "="):
        raise InvalidSignatureError(f"{header} header must start with {digest}=")
    if not any_match((_signature(key, req.body, digest) for key in keys), [signature]):
        raise InvalidSignatureError("signature does not match")


def verify_discourse(req: SignedRequest, secrets: Sequence[str]) -> None:
    _verify(req, secrets, _DISCOURSE)


def verify_intercom(req: SignedRequest, secrets: Sequence[str]) -> None:
    _verify(req, secrets, _INTERCOM)


def sign_discourse(body: bytes, secret: str) -> dict[str, str]:
    return {_DISCOURSE[0]: _signature(secret, body, _DISCOURSE[1])}


def sign_intercom(body: bytes, secret: str) -> dict[str, str]:
    return {_INTERCOM[0]: _signature(secret, body, _INTERCOM[1])}
