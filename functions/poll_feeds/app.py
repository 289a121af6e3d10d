"""Scheduled: poll RSS/Atom feeds (Google Alerts) and listening-tool APIs into Mention.Received."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from talkworthy import composition as c
from talkworthy.catalog import utc_now
from talkworthy.settings import PollSettings
from talkworthy.usecases.poll_feeds import poll_feeds

logger = Logger(service="poll-feeds")
metrics = Metrics(service="poll-feeds")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    config = c.settings(PollSettings)
    results = poll_feeds(
        c.feeds(config.feeds_json),
        fetch=c.feed_fetch(),
        mention_source=lambda feed: c.mention_api(config.mention_api_token, str(feed.api_base_url)),
        cursor=c.cursor_store(config.mesh_table),
        publisher=c.publisher(config.event_bus_name),
        now=utc_now(),
        run_id=event.get("id", context.aws_request_id),
    )
    metrics.add_metric(name="FeedsPolled", unit=MetricUnit.Count, value=len(results))  # 0: no feed configured
    summary = {}
    for feed_id, result in results.items():
        if isinstance(result, Exception):
            logger.error("feed failed", extra={"feed_id": feed_id, "error": repr(result)})
            metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=1)
            summary[feed_id] = f"failed: {result}"
        else:
            metrics.add_metric(name="MentionsPolled", unit=MetricUnit.Count, value=result.new)
            summary[feed_id] = f"{result.new} new, {result.skipped} seen"
    logger.info("poll run", extra={"feeds": summary})
    return summary
