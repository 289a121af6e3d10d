"""Use cases: poll one feed, publish one ``Mention.Received`` per new entry, then advance the cursor.

The cursor is written only after the publisher accepted the events. A failed publish leaves the
cursor and the seen-ids window as they were, so the next poll publishes the same entries again
with the same event keys, which downstream consumers dedupe on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from talkworthy.catalog.base import EventMeta
from talkworthy.catalog.mention import Mention, MentionReceived
from talkworthy.errors import ConfigurationError
from talkworthy.pollers.config import FeedConfig
from talkworthy.pollers.cursor import CursorState, CursorStore
from talkworthy.pollers.feeds import parse_feed
from talkworthy.pollers.mention_api import MentionBatch
from talkworthy.publishing import EventPublisher

__all__ = ["PRODUCER", "MentionSource", "PollResult", "event_key", "poll_feed", "poll_mention_api"]

logger = logging.getLogger(__name__)

PRODUCER = "talkworthy.poller"
_MAX_KEY = 200


@dataclass(frozen=True)
class PollResult:
    new: int
    skipped: int
    cursor: str | None
    truncated: bool = False
    rejected: int = 0


class MentionSource(Protocol):
    """The port :class:`talkworthy.pollers.mention_api.MentionApiClient` implements."""

    def fetch_new(self, account_id: str, alert_id: str, since_id: str | None) -> MentionBatch: ...


def event_key(source_tool: str, feed_id: str, entry_id: str) -> str:
    """``{source_tool}:{feed_id}:{entry_id}``; long entry ids (RSS guids are URLs) are hashed to fit."""
    key = f"{source_tool}:{feed_id}:{entry_id}"
    if len(key) <= _MAX_KEY:
        return key
    return f"{source_tool}:{feed_id}:sha256:{hashlib.sha256(entry_id.encode()).hexdigest()}"


def default_run_id(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def poll_feed(
    feed: FeedConfig,
    fetch: Callable[[str], bytes],
    cursor: CursorStore,
    publisher: EventPublisher,
    now: datetime,
    *,
    run_id: str | None = None,
) -> PollResult:
    """Poll an Atom/RSS feed. Dedupe is on entry id; the cursor records the newest published time."""
    if feed.kind not in ("atom", "rss") or feed.url is None:
        raise ConfigurationError(f"feed {feed.feed_id!r} is not an atom/rss feed with a url")
    mentions = parse_feed(fetch(str(feed.url)), now=now, source_tool=feed.source_tool)
    state = cursor.load(feed.feed_id)
    newest = max((mention.posted_at for mention in mentions), default=None)
    next_cursor = _later(state.cursor, newest)
    return _publish_new(feed, mentions, state, next_cursor, cursor, publisher, now, run_id)


def poll_mention_api(
    feed: FeedConfig,
    source: MentionSource,
    cursor: CursorStore,
    publisher: EventPublisher,
    now: datetime,
    *,
    run_id: str | None = None,
) -> PollResult:
    """Poll one Mention alert from the stored ``since_id``; the next cursor is the highest id seen."""
    if feed.kind != "mention_api" or not feed.account_id or not feed.alert_id:
        raise ConfigurationError(f"feed {feed.feed_id!r} is not a mention_api feed")
    state = cursor.load(feed.feed_id)
    batch = source.fetch_new(feed.account_id, feed.alert_id, since_id=state.cursor)
    next_cursor = batch.newest_id or state.cursor
    result = _publish_new(feed, batch.mentions, state, next_cursor, cursor, publisher, now, run_id)
    return PollResult(result.new, result.skipped, result.cursor, batch.truncated, batch.rejected)


def _later(current: str | None, newest: datetime | None) -> str | None:
    if newest is None:
        return current
    candidate = newest.astimezone(UTC).isoformat()
    try:
        if current and datetime.fromisoformat(current) >= newest:
            return current
    except (TypeError, ValueError):
        logger.warning("unreadable feed cursor %r replaced", current)
    return candidate


def _publish_new(
    feed: FeedConfig,
    mentions: Sequence[Mention],
    state: CursorState,
    next_cursor: str | None,
    store: CursorStore,
    publisher: EventPublisher,
    now: datetime,
    run_id: str | None,
) -> PollResult:
    seen = set(state.seen_ids)
    fresh: dict[str, Mention] = {}
    for mention in mentions:
        if mention.post_id not in seen:
            fresh.setdefault(mention.post_id, mention)
    ordered = sorted(fresh.values(), key=lambda mention: mention.posted_at)
    correlation_id = f"poll:{feed.feed_id}:{run_id or default_run_id(now)}"
    details = [
        MentionReceived(
            meta=EventMeta(
                event_key=event_key(mention.source_tool, feed.feed_id, mention.post_id),
                correlation_id=correlation_id[:200],
                producer=PRODUCER,
                occurred_at=now,
            ),
            mention=mention,
        )
        for mention in ordered
    ]
    if details:
        publisher.publish(details)
    if details or next_cursor != state.cursor:
        newest_first = [mention.post_id for mention in reversed(ordered)]
        store.put(feed.feed_id, next_cursor, [*newest_first, *state.seen_ids])
    logger.info("feed %s: %d new, %d already seen", feed.feed_id, len(details), len(mentions) - len(fresh))
    return PollResult(new=len(details), skipped=len(mentions) - len(fresh), cursor=next_cursor)
