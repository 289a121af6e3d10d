"""Scheduled polling of sources without signed push: RSS/Atom feeds and listening-tool APIs.

Idempotent per run: a feed's cursor moves only after its events are published, and each entry's
event key is derived from the feed and the entry, so a re-published entry is harmless downstream.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.scheduled import RunReport, ScheduledRun
from talkworthy.settings import PollSettings
from talkworthy.usecases.poll_feeds import poll_feeds

if TYPE_CHECKING:
    from talkworthy.pollers.config import FeedConfig
    from talkworthy.pollers.cursor import CursorStore
    from talkworthy.publishing import EventPublisher

__all__ = ["PollPorts", "poll"]


class PollPorts:
    def __init__(self, config: PollSettings) -> None:
        self.config = config

    @cached_property
    def feeds(self) -> list[FeedConfig]:
        return c.feeds(self.config.feeds_json)

    @cached_property
    def cursor(self) -> CursorStore:
        return c.cursor_store(self.config.mesh_table)

    @cached_property
    def publisher(self) -> EventPublisher:
        return c.publisher(self.config.event_bus_name)


def poll(ports: PollPorts, run: ScheduledRun) -> RunReport:
    token = ports.config.mention_api_token
    results = poll_feeds(
        ports.feeds,
        fetch=c.feed_fetch(),
        mention_source=lambda feed: c.mention_api(token, str(feed.api_base_url)),
        cursor=ports.cursor,
        publisher=ports.publisher,
        now=run.now,
        run_id=run.run_id,
    )
    failed = {feed_id: error for feed_id, error in results.items() if isinstance(error, Exception)}
    polled = {feed_id: result for feed_id, result in results.items() if not isinstance(result, Exception)}
    details = {feed_id: f"failed: {error}" for feed_id, error in failed.items()}
    details |= {feed_id: f"{result.new} new, {result.skipped} seen" for feed_id, result in polled.items()}
    return RunReport(
        counts={
            "FeedsPolled": len(results),  # 0: no feed configured
            "FeedsFailed": len(failed),
            "MentionsPolled": sum(result.new for result in polled.values()),
        },
        details=details,
    )
