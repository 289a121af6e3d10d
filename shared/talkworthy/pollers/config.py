"""Which feeds to poll. The list comes from configuration (an SSM parameter or env JSON) as JSON."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter, ValidationError, model_validator

from talkworthy.errors import ConfigurationError

__all__ = ["MENTION_API_BASE_URL", "FeedConfig", "FeedKind", "parse_feed_configs"]

FeedKind = Literal["atom", "rss", "mention_api"]
MENTION_API_BASE_URL = "https://api.mention.net/api"


class FeedConfig(BaseModel):
    """One polled source.

    ``atom`` / ``rss``: ``url`` is the feed. ``mention_api``: ``account_id`` and ``alert_id`` name
    the alert, ``url`` optionally overrides the API base (default :data:`MENTION_API_BASE_URL`).
    Secrets (the Mention access token) are not configuration; the composition root injects them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    feed_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    kind: FeedKind
    url: HttpUrl | None = None
    source_tool: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,40}$")
    account_id: str | None = Field(default=None, min_length=1, max_length=200)
    alert_id: str | None = Field(default=None, min_length=1, max_length=100)
    enabled: bool = True

    @model_validator(mode="after")
    def _fits_kind(self) -> FeedConfig:
        if self.kind in ("atom", "rss") and self.url is None:
            raise ValueError(f"feed {self.feed_id!r} of kind {self.kind!r} needs a url")
        if self.kind == "mention_api" and not (self.account_id and self.alert_id):
            raise ValueError(f"feed {self.feed_id!r} of kind 'mention_api' needs account_id and alert_id")
        return self

    @property
    def api_base_url(self) -> str:
        return str(self.url).rstrip("/") if self.url else MENTION_API_BASE_URL


def parse_feed_configs(json_text: str | bytes) -> list[FeedConfig]:
    """``[{...}]`` or ``{"feeds": [{...}]}`` → validated feeds, else :class:`ConfigurationError`."""
    try:
        raw = json.loads(json_text)
    except json.JSONDecodeError as err:
        raise ConfigurationError(f"feed configuration is not valid JSON: {err}") from err
    if isinstance(raw, dict):
        raw = raw.get("feeds")
    if not isinstance(raw, list):
        raise ConfigurationError('feed configuration must be a JSON list of feeds or {"feeds": [...]}')
    try:
        feeds = TypeAdapter(list[FeedConfig]).validate_python(raw)
    except ValidationError as err:
        raise ConfigurationError(f"invalid feed configuration: {err}") from err
    ids = [feed.feed_id for feed in feeds]
    duplicates = sorted({feed_id for feed_id in ids if ids.count(feed_id) > 1})
    if duplicates:
        raise ConfigurationError(f"duplicate feed_id in feed configuration: {', '.join(duplicates)}")
    return feeds
