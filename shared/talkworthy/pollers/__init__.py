"""Scheduled pollers for sources without signed push: RSS/Atom feeds (Google Alerts) and Mention.com."""

from __future__ import annotations

from talkworthy.pollers.config import MENTION_API_BASE_URL, FeedConfig, FeedKind, parse_feed_configs
from talkworthy.pollers.cursor import (
    CursorState,
    CursorStore,
    DynamoDbCursorStore,
    InMemoryCursorStore,
)
from talkworthy.pollers.feeds import FeedError, UnsafeFeedError, parse_feed
from talkworthy.pollers.fetch import feed_fetcher
from talkworthy.pollers.mention_api import MentionApiClient, MentionBatch, to_mention
from talkworthy.pollers.normalise import strip_html, unwrap_redirect
from talkworthy.pollers.poll import MentionSource, PollResult, event_key, poll_feed, poll_mention_api

__all__ = [
    "MENTION_API_BASE_URL",
    "CursorState",
    "CursorStore",
    "DynamoDbCursorStore",
    "FeedConfig",
    "FeedError",
    "FeedKind",
    "InMemoryCursorStore",
    "MentionApiClient",
    "MentionBatch",
    "MentionSource",
    "PollResult",
    "UnsafeFeedError",
    "event_key",
    "feed_fetcher",
    "parse_feed",
    "parse_feed_configs",
    "poll_feed",
    "poll_mention_api",
    "strip_html",
    "to_mention",
    "unwrap_redirect",
]
