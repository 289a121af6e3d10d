from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
import requests

from talkworthy.catalog.base import Detail
from talkworthy.catalog.mention import MentionReceived
from talkworthy.errors import ConfigurationError, PublishError
from talkworthy.http import HttpClient
from talkworthy.pollers.config import FeedConfig, parse_feed_configs
from talkworthy.pollers.cursor import CursorState, InMemoryCursorStore
from talkworthy.pollers.mention_api import MentionApiClient
from talkworthy.pollers.poll import event_key, poll_feed, poll_mention_api
from talkworthy.publishing import InMemoryPublisher

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
ALERTS = FeedConfig(feed_id="acme-alerts", kind="atom", url="https://www.google.com/alerts/feeds/1/2")
Sample = Callable[[str], bytes]

NEW_ENTRY = b"""  <entry>
    <id>tag:google.com,2013:googlealerts/feed:777</id>
    <title type="html">&lt;b&gt;Acme&lt;/b&gt; wins design award</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://design.example/acme&amp;ct=ga"></link>
    <published>2026-03-12T09:50:00Z</published>
    <content type="html">The &lt;b&gt;Acme&lt;/b&gt; kettle won.</content>
    <author><name></name></author>
  </entry>
</feed>"""


class FailingPublisher:
    def publish(self, details: Sequence[Detail]) -> None:
        raise PublishError("bus said no", [{"detail_type": "Mention.Received", "code": "X", "message": ""}])


def fetcher(body: bytes) -> Callable[[str], bytes]:
    def fetch(url: str) -> bytes:
        assert url == str(ALERTS.url)
        return body

    return fetch


def test_first_poll_publishes_every_entry_as_mention_received(sample: Sample) -> None:
    store, publisher = InMemoryCursorStore(), InMemoryPublisher()

    result = poll_feed(ALERTS, fetcher(sample("google_alerts.atom.xml")), store, publisher, NOW, run_id="r1")

    events = publisher.of_type(MentionReceived)
    assert (result.new, result.skipped) == (5, 0)
    assert len(events) == 5
    assert [e.mention.posted_at for e in events] == sorted(e.mention.posted_at for e in events)
    first = events[-1]
    assert first.meta.event_key == (
        "google_alerts:acme-alerts:tag:google.com,2013:googlealerts/feed:16014391620345178112"
    )
    assert first.meta.correlation_id == "poll:acme-alerts:r1"
    assert first.meta.producer == "talkworthy.poller"
    assert first.meta.occurred_at == NOW
    assert result.cursor == "2026-03-12T08:55:12+00:00"
    assert store.load("acme-alerts").cursor == result.cursor
    assert len(store.load("acme-alerts").seen_ids) == 5


def test_second_poll_of_the_same_feed_publishes_nothing(sample: Sample) -> None:
    store, publisher = InMemoryCursorStore(), InMemoryPublisher()
    body = sample("google_alerts.atom.xml")
    poll_feed(ALERTS, fetcher(body), store, publisher, NOW)
    writes = store.writes

    again = poll_feed(ALERTS, fetcher(body), store, publisher, NOW + timedelta(minutes=15))

    assert (again.new, again.skipped) == (0, 5)
    assert len(publisher.published) == 5
    assert store.writes == writes  # nothing changed, nothing written


def test_feed_with_one_new_entry_publishes_one(sample: Sample) -> None:
    store, publisher = InMemoryCursorStore(), InMemoryPublisher()
    body = sample("google_alerts.atom.xml")
    poll_feed(ALERTS, fetcher(body), store, publisher, NOW)
    grown = body.replace(b"</feed>", NEW_ENTRY)

    result = poll_feed(ALERTS, fetcher(grown), store, publisher, NOW + timedelta(minutes=15))

    assert (result.new, result.skipped) == (1, 5)
    latest = publisher.published[-1]
    assert isinstance(latest, MentionReceived)
    assert latest.mention.post_id == "tag:google.com,2013:googlealerts/feed:777"
    assert str(latest.mention.url) == "https://design.example/acme"
    assert result.cursor == "2026-03-12T09:50:00+00:00"
    assert store.load("acme-alerts").seen_ids[0] == "tag:google.com,2013:googlealerts/feed:777"


def test_publish_failure_leaves_the_cursor_unchanged(sample: Sample) -> None:
    store = InMemoryCursorStore()
    store.put("acme-alerts", "2026-03-01T00:00:00+00:00", ["old-entry"])
    before = store.load("acme-alerts")

    with pytest.raises(PublishError):
        poll_feed(ALERTS, fetcher(sample("google_alerts.atom.xml")), store, FailingPublisher(), NOW)

    assert store.load("acme-alerts") == before
    retry = InMemoryPublisher()
    assert poll_feed(ALERTS, fetcher(sample("google_alerts.atom.xml")), store, retry, NOW).new == 5


def test_seen_window_is_bounded(sample: Sample) -> None:
    store = InMemoryCursorStore(max_seen=3)

    poll_feed(ALERTS, fetcher(sample("google_alerts.atom.xml")), store, InMemoryPublisher(), NOW)

    seen = store.load("acme-alerts").seen_ids
    assert seen[0] == "tag:google.com,2013:googlealerts/feed:16014391620345178112"  # newest kept
    assert len(seen) == 3


def test_rss_feed_is_polled_the_same_way(sample: Sample) -> None:
    blog = FeedConfig(feed_id="desert-blog", kind="rss", url="https://blog.desertworkshop.example/feed/")
    publisher = InMemoryPublisher()

    result = poll_feed(blog, lambda url: sample("blog.rss.xml"), InMemoryCursorStore(), publisher, NOW)

    assert result.new == 3
    keys = {e.meta.event_key for e in publisher.of_type(MentionReceived)}
    assert "rss:desert-blog:https://blog.desertworkshop.example/?p=4812" in keys


def test_long_entry_ids_are_hashed_into_the_event_key() -> None:
    key = event_key("rss", "blog", "https://example.com/" + "x" * 300)
    assert key.startswith("rss:blog:sha256:")
    assert len(key) <= 200
    assert key == event_key("rss", "blog", "https://example.com/" + "x" * 300)


@pytest.fixture
def mention_feed(mention_api) -> FeedConfig:
    return FeedConfig(
        feed_id="acme-mention",
        kind="mention_api",
        url=mention_api.base_url,
        account_id=mention_api.account_id,
        alert_id=mention_api.alert_id,
    )


@pytest.fixture
def mention_client(mention_api, mention_feed: FeedConfig):
    with requests.Session() as session:
        http = HttpClient(session, sleep=lambda seconds: None)
        yield MentionApiClient(http, mention_api.token, base_url=mention_feed.api_base_url, page_limit=3)


def test_mention_api_poll_sends_since_id_from_the_cursor(mention_api, mention_feed, mention_client) -> None:
    store, publisher = InMemoryCursorStore(), InMemoryPublisher()
    store.put("acme-mention", "7302", ["7302", "7301"])

    result = poll_mention_api(mention_feed, mention_client, store, publisher, NOW, run_id="r9")

    assert mention_api.requests[0].query["since_id"] == ["7302"]
    assert (result.new, result.cursor) == (3, "7305")
    events = publisher.of_type(MentionReceived)
    assert sorted(e.meta.event_key for e in events) == [
        "mention:acme-mention:7303",
        "mention:acme-mention:7304",
        "mention:acme-mention:7305",
    ]
    assert store.load("acme-mention") == CursorState("7305", ("7305", "7303", "7304", "7302", "7301"))


def test_mention_api_second_poll_publishes_nothing(mention_api, mention_feed, mention_client) -> None:
    store, publisher = InMemoryCursorStore(), InMemoryPublisher()
    first = poll_mention_api(mention_feed, mention_client, store, publisher, NOW)
    assert (first.new, first.cursor) == (6, "7305")

    second = poll_mention_api(mention_feed, mention_client, store, publisher, NOW + timedelta(minutes=5))

    assert mention_api.requests[-1].query["since_id"] == ["7305"]
    assert (second.new, second.cursor) == (0, "7305")
    assert len(publisher.published) == 6


def test_mention_api_publish_failure_keeps_since_id(mention_api, mention_feed, mention_client) -> None:
    store = InMemoryCursorStore()
    store.put("acme-mention", "7302", [])

    with pytest.raises(PublishError):
        poll_mention_api(mention_feed, mention_client, store, FailingPublisher(), NOW)

    assert store.get("acme-mention") == "7302"


def test_poll_functions_refuse_the_wrong_kind_of_feed(mention_feed) -> None:
    with pytest.raises(ConfigurationError):
        poll_feed(mention_feed, lambda url: b"", InMemoryCursorStore(), InMemoryPublisher(), NOW)


def test_parse_feed_configs_accepts_list_or_object() -> None:
    text = """{"feeds": [
      {"feed_id": "acme-alerts", "kind": "atom", "url": "https://www.google.com/alerts/feeds/1/2"},
      {"feed_id": "acme-mention", "kind": "mention_api", "account_id": "acc_42", "alert_id": "1234567"}
    ]}"""
    alerts, mention = parse_feed_configs(text)
    assert alerts.kind == "atom"
    assert mention.api_base_url == "https://api.mention.net/api"
    assert parse_feed_configs("[]") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"feeds": 3}', "JSON list"),
        ('[{"feed_id": "a", "kind": "atom"}]', "needs a url"),
        ('[{"feed_id": "m", "kind": "mention_api", "account_id": "x"}]', "needs account_id and alert_id"),
        ('[{"feed_id": "a:b", "kind": "rss", "url": "https://x.example/"}]', "feed_id"),
        ('[{"feed_id": "a", "kind": "rss", "url": "https://x.example/", "token": "s"}]', "token"),
        (
            '[{"feed_id": "a", "kind": "rss", "url": "https://x.example/"},'
            ' {"feed_id": "a", "kind": "atom", "url": "https://y.example/"}]',
            "duplicate feed_id",
        ),
    ],
)
def test_parse_feed_configs_rejects_bad_configuration(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_feed_configs(text)
