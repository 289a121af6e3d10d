"""What every adapter shares: vendor payload types, error translation, HTML to text, secrets, keys.

Vendor payloads are validated with pydantic models that ignore unknown fields but never coerce a
wrong type silently (no ``"3"`` for an int, no number for a date). Every ``ValidationError`` is
translated here into ``UnusableBodyError`` (422) with a reason naming the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
)

from chalicelib.senders.base import SenderSecrets, UnusableBodyError, WebhookDelivery, parse_json
from chalicelib.signatures import MissingSignatureError, SignedRequest

__all__ = [
    "Count",
    "EpochSeconds",
    "Id",
    "IsoTime",
    "Name",
    "VendorModel",
    "configured_secrets",
    "dedupe_key",
    "describe",
    "html_to_text",
    "json_object",
    "signed_request",
    "translating",
    "validate",
]

_MAX_KEY = 160  # EventMeta.event_key allows 200 with the "<source>:" prefix and derived steps


class VendorModel(BaseModel):
    """Base of every vendor payload model: unknown fields ignored, wrong types rejected."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def _id_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str | datetime):
        raise ValueError("must be an ISO 8601 date-time string")
    return value


def _epoch_seconds(value: Any) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**33:
        raise ValueError("must be a Unix timestamp in seconds")
    return datetime.fromtimestamp(value, UTC)


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Id = Annotated[str, BeforeValidator(_id_text), StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_as_utc)]
EpochSeconds = Annotated[datetime, BeforeValidator(_epoch_seconds)]
Count = Annotated[StrictInt, Field(ge=0)]

M = TypeVar("M", bound=BaseModel)


def describe(err: ValidationError, where: str = "") -> str:
    """``post.topic_id: Input should be a valid integer`` for the first few errors."""
    parts = []
    for error in err.errors(include_url=False)[:3]:
        path = where
        for loc in error["loc"]:
            path += f"[{loc}]" if isinstance(loc, int) else (f".{loc}" if path else str(loc))
        parts.append(f"{path or 'body'}: {error['msg']}")
    more = err.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def validate(model: type[M], data: Any, where: str = "") -> M:
    """Validate a vendor payload (or part of it, found at ``where``) or raise UnusableBodyError."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise UnusableBodyError(describe(err, where)) from err


@contextmanager
def translating(what: str) -> Iterator[None]:
    """Build canonical events inside this block: a catalog constraint that fails becomes a 422."""
    try:
        yield
    except ValidationError as err:
        raise UnusableBodyError(f"{what} cannot become an event: {describe(err)}") from err


def json_object(delivery: WebhookDelivery) -> dict[str, Any]:
    body = parse_json(delivery.body)
    if not isinstance(body, dict):
        raise UnusableBodyError(f"body must be a JSON object, not {type(body).__name__}")
    return body


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
    )
    _SKIPPED = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, blocks on their own lines."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line)


def configured_secrets(secrets: SenderSecrets, key: str, source: str) -> list[str]:
    """The active values of ``secrets[key]``; none configured rejects the request (401), never a 5xx."""
    values = secrets.get(key)
    if isinstance(values, str):
        values = [values]
    usable = [value for value in values or () if isinstance(value, str) and value.strip()]
    if not usable:
        raise MissingSignatureError(f"no {key} secret is configured for {source}")
    return usable


def signed_request(delivery: WebhookDelivery) -> SignedRequest:
    return SignedRequest(body=delivery.body, headers=delivery.headers, method=delivery.method, url=delivery.url)


def dedupe_key(*parts: object) -> str:
    """Join the parts of a natural key; hash it when it would be too long for an event key."""
    key = ":".join(str(part) for part in parts)
    if len(key) > _MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key
