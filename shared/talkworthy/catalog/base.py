"""What every canonical event carries: metadata, provenance, and the base detail class."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Detail", "EventMeta", "Provenance", "Score", "utc_now"]

_MAX_KEY = 200


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class EventMeta(_Model):
    """Metadata block on every detail.

    ``event_key`` is stable for the same input: a redelivered webhook or a retried handler produces
    the same key, so consumers use it as their idempotency key. ``correlation_id`` is the id of the
    original delivery and never changes as the event moves through the mesh.
    """

    event_key: str = Field(min_length=1, max_length=_MAX_KEY)
    correlation_id: str = Field(min_length=1, max_length=200)
    producer: str = Field(pattern=r"^talkworthy\.[a-z0-9_.-]+$")
    version: str = "1"
    occurred_at: datetime
    tenant: str | None = None
    # Set on every event of an operator's replay and on what it causes (the consumer stamps the
    # events a replayed event leads to): the replay's name.
    # A name ending in ``-notify`` was started with ``--notify``: people are told again.
    replay: str | None = Field(default=None, max_length=64, pattern=r"^[.\-_A-Za-z0-9]+$")

    def derive(self, producer: str, step: str, occurred_at: datetime | None = None) -> EventMeta:
        """Metadata for an event caused by this one: same correlation id, a key stable per step."""
        key = f"{self.event_key}>{step}"
        if len(key) > _MAX_KEY:
            digest = hashlib.sha256(key.encode()).hexdigest()[:40]
            key = f"{step[: _MAX_KEY - 42]}#{digest}"
        return EventMeta(
            event_key=key,
            correlation_id=self.correlation_id,
            producer=producer,
            occurred_at=occurred_at or utc_now(),
            tenant=self.tenant,
        )


class Provenance(_Model):
    """Who produced a score: so providers can be swapped and compared."""

    provider: str
    model: str
    version: str
    confidence: float = Field(ge=0.0, le=1.0)


class Score(_Model):
    """A labelled score with its provenance (sentiment, intent, ...)."""

    label: str
    value: float
    provenance: Provenance


class Detail(_Model):
    """Base of every detail-type. Subclasses set ``DETAIL_TYPE`` (``Noun.PastTense``)."""

    DETAIL_TYPE: ClassVar[str]
    meta: EventMeta
