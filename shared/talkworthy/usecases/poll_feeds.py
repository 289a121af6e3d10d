"""One scheduled run over every configured feed; a failing feed never stops the others.

A feed's cursor only moves after its events are published, so a failed feed is simply polled
again on the next run, and event keys keep any re-published entry harmless downstream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from talkworthy.pollers import CursorStore, FeedConfig, MentionSource, PollResult, poll_feed, poll_mention_api
from talkworthy.publishing import EventPublisher

__all__ = ["poll_feeds"]


def poll_feeds(
    feeds: Sequence[FeedConfig],
    *,
    fetch: Callable[[str], bytes],
    mention_source: Callable[[FeedConfig], MentionSource],
    cursor: CursorStore,
    publisher: EventPublisher,
    now: datetime,
    run_id: str,
) -> dict[str, PollResult | Exception]:
    """Poll each enabled feed; the result per feed id is its PollResult or the error it raised."""
    results: dict[str, PollResult | Exception] = {}
    for feed in feeds:
        if not feed.enabled:
            continue
        try:
            if feed.kind == "mention_api":
                results[feed.feed_id] = poll_mention_api(
                    feed, mention_source(feed), cursor, publisher, now, run_id=run_id
                )
            else:
                results[feed.feed_id] = poll_feed(feed, fetch, cursor, publisher, now, run_id=run_id)
        except Exception as err:  # one broken feed must not starve the rest; reported by the handler
            results[feed.feed_id] = err
    return results
