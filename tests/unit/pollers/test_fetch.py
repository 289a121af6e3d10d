"""The feed fetcher over real HTTP (local stub), end to end through poll_feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests

from talkworthy.catalog.mention import MentionReceived
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.pollers.config import FeedConfig
from talkworthy.pollers.cursor import InMemoryCursorStore
from talkworthy.pollers.fetch import feed_fetcher
from talkworthy.pollers.poll import poll_feed
from talkworthy.publishing import InMemoryPublisher

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def http() -> Iterator[tuple[HttpClient, list[float]]]:
    sleeps: list[float] = []
    with requests.Session() as session:
        policy = RetryPolicy(max_attempts=3, backoff=1.0, max_total_sleep=30.0)
        yield HttpClient(session, policy=policy, sleep=sleeps.append), sleeps


def feed_url(mention_api, name: str) -> str:
    return mention_api.base_url.removesuffix("/api") + f"/feeds/{name}"


def test_poll_feed_over_http_publishes_the_alerts(mention_api, http, sample) -> None:
    client, _ = http
    feed = FeedConfig(feed_id="acme-alerts", kind="atom", url=feed_url(mention_api, "google_alerts.atom.xml"))
    publisher = InMemoryPublisher()

    result = poll_feed(feed, feed_fetcher(client), InMemoryCursorStore(), publisher, NOW)

    assert result.new == 5
    assert len(publisher.of_type(MentionReceived)) == 5
    request = mention_api.requests[0]
    assert "application/atom+xml" in request.headers["accept"]
    assert "authorization" not in request.headers


def test_fetch_returns_the_exact_bytes(mention_api, http, sample) -> None:
    client, _ = http

    body = feed_fetcher(client)(feed_url(mention_api, "blog.rss.xml"))

    assert body == sample("blog.rss.xml")


def test_throttled_feed_is_retried_after_retry_after(mention_api, http) -> None:
    client, sleeps = http
    mention_api.throttle = ["1"]

    feed_fetcher(client)(feed_url(mention_api, "blog.rss.xml"))

    assert sleeps == [1.0]


def test_persistently_throttled_feed_is_retryable(mention_api, http) -> None:
    client, _ = http
    mention_api.always_throttle = "120"

    with pytest.raises(RetryableError) as caught:
        feed_fetcher(client)(feed_url(mention_api, "blog.rss.xml"))
    assert caught.value.retry_after == 120.0


def test_oversized_feed_is_cut_off(mention_api, http) -> None:
    client, _ = http

    with pytest.raises(PermanentError, match="larger than 100 bytes"):
        feed_fetcher(client, max_bytes=100)(feed_url(mention_api, "google_alerts.atom.xml"))


def test_missing_feed_is_permanent(mention_api, http) -> None:
    client, _ = http

    with pytest.raises(PermanentError, match="404"):
        feed_fetcher(client)(feed_url(mention_api, "nope.xml"))
