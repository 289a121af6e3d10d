"""What every scheme shares: the request as received, the error classes and small HMAC helpers."""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "InvalidSignatureError",
    "MissingSignatureError",
    "SignatureError",
    "SignedRequest",
    "StaleSignatureError",
]

_DIGITS = re.compile(r"[0-9]{1,20}")  # ASCII only: int() also takes "+1", " 1", "1_0", other scripts' digits


@dataclass(frozen=True)
class SignedRequest:
    """One webhook request as received; nothing in it is trusted yet."""

    body: bytes  # raw bytes exactly as received
    headers: Mapping[str, str]  # any case; lookups are case-insensitive
    method: str = "POST"
    url: str = ""  # the configured public URL (HubSpot v3 only), never rebuilt from Host headers

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


class SignatureError(Exception):
    """The request is not proven authentic and fresh (401). ``reason`` is safe to return to the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MissingSignatureError(SignatureError):
    """A header the scheme needs is absent or empty."""


class InvalidSignatureError(SignatureError):
    """A header is malformed, or no signature matches any active secret."""


class StaleSignatureError(SignatureError):
    """The signed timestamp is outside the tolerance window (too old or too far in the future)."""


def usable_secrets(secrets: Sequence[str]) -> list[str]:
    """The non-blank secrets. Configuration mistakes raise ValueError/TypeError, not SignatureError."""
    if isinstance(secrets, str | bytes):
        # Iterating a str would turn every character into a one-letter key an attacker can guess.
        raise TypeError("secrets must be a sequence of secrets, not a single string")
    usable = [secret for secret in secrets if secret.strip()]
    if not usable:
        raise ValueError("no signing secret is configured")
    return usable


def required_header(req: SignedRequest, name: str) -> str:
    value = req.header(name)
    if value is None or not value.strip():
        raise MissingSignatureError(f"missing {name} header")
    return value


def header_bytes(value: str, name: str) -> bytes:
    try:
        return value.encode()
    except UnicodeEncodeError as err:
        raise InvalidSignatureError(f"{name} header is not valid text") from err


def integer_timestamp(value: str, name: str) -> int:
    if not _DIGITS.fullmatch(value):
        raise InvalidSignatureError(f"{name} header is not an integer timestamp")
    return int(value)


def check_fresh(signed_at: float, now: float, tolerance: int) -> None:
    if signed_at < now - tolerance:
        raise StaleSignatureError("signature timestamp is too old")
    if signed_at > now + tolerance:
        raise StaleSignatureError("signature timestamp is too far in the future")


def any_match(expected: Iterable[str], provided: Iterable[str]) -> bool:
    """Constant-time comparison of every expected value against every provided one."""
    wanted = [value.encode() for value in expected]
    offered = [value.encode() for value in provided if value.isascii()]
    return any(hmac.compare_digest(want, offer) for want in wanted for offer in offered)


def hmac_digest(key: bytes, message: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key, message, digest).digest()


def hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac_digest(key, message)).decode()
