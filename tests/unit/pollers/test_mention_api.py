"""The Mention API client over real HTTP against the local stub in conftest.py."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import requests

from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.pollers.mention_api import MentionApiClient, is_newer

PageIds = Callable[[str], list[str]]


def policy(max_attempts: int = 3) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, backoff=1.0, max_backoff=30.0, max_total_sleep=60.0)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as http_session:
        yield http_session


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(mention_api, session: requests.Session, sleeps: list[float]) -> Callable[..., MentionApiClient]:
    def build(*, token: str | None = None, max_attempts: int = 3, max_pages: int = 10) -> MentionApiClient:
        http = HttpClient(session, policy=policy(max_attempts), sleep=sleeps.append)
        return MentionApiClient(
            http, token or mention_api.token, base_url=mention_api.base_url, page_limit=3, max_pages=max_pages
        )

    return build


def test_first_poll_sends_bearer_and_follows_more_link(mention_api, make_client, page_ids: PageIds) -> None:
    batch = make_client().fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)

    expected = page_ids("mention_api_page1.json") + page_ids("mention_api_page2.json")
    assert [m.post_id for m in batch.mentions] == expected
    assert batch.newest_id == "7305"
    assert not batch.truncated
    first, second = mention_api.requests
    assert first.headers["authorization"] == f"Bearer {mention_api.token}"
    assert first.headers["accept-version"] == "1.19"
    assert first.query == {"limit": ["3"]}
    assert second.headers["authorization"] == f"Bearer {mention_api.token}"
    assert second.query["cursor"] == ["eyJvZmZzZXQiOiI3MzAzIn0"]  # the more link, as given
    assert "since_id" not in second.query


def test_since_id_is_sent_and_paging_stops_at_known_ids(mention_api, make_client) -> None:
    batch = make_client().fetch_new(mention_api.account_id, mention_api.alert_id, since_id="7301")

    assert [m.post_id for m in batch.mentions] == ["7305", "7304", "7303", "7302"]
    assert batch.newest_id == "7305"
    assert mention_api.requests[0].query["since_id"] == ["7301"]
    assert len(mention_api.requests) == 2


def test_mapping_of_social_and_web_mentions(mention_api, make_client) -> None:
    batch = make_client().fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)
    by_id = {m.post_id: m for m in batch.mentions}

    tweet = by_id["7305"]
    assert tweet.source_tool == "mention"
    assert tweet.platform == "twitter"
    assert tweet.author.handle == "rachelnguyen_"
    assert tweet.author.audience == 4820
    assert tweet.author.platform_user_id == "twitter:40219877"
    assert (tweet.engagement.likes, tweet.engagement.shares, tweet.engagement.replies) == (12, 3, 4)
    assert tweet.posted_at == datetime(2026, 3, 12, 9, 31, 7, tzinfo=UTC)
    assert by_id["7304"].platform == "web"
    assert by_id["7304"].author.handle == "news.southwesttrade.example"
    assert by_id["7303"].language == "de"
    assert by_id["7302"].platform == "youtube"
    assert by_id["7302"].author.audience == 218000
    assert by_id["7301"].in_reply_to == "7299"


def test_429_with_retry_after_is_waited_then_succeeds(mention_api, make_client, sleeps: list[float]) -> None:
    mention_api.throttle = ["2"]

    batch = make_client().fetch_new(mention_api.account_id, mention_api.alert_id, since_id="7304")

    assert [m.post_id for m in batch.mentions] == ["7305"]
    assert sleeps == [2.0]
    assert len(mention_api.requests) == 2


def test_429_without_retry_after_backs_off_exponentially(mention_api, make_client, sleeps: list[float]) -> None:
    mention_api.throttle = [None, None]

    make_client(max_attempts=3).fetch_new(mention_api.account_id, mention_api.alert_id, since_id="7304")

    assert sleeps == [1.0, 2.0]


def test_persistent_429_raises_retryable_error_after_bounded_attempts(
    mention_api, make_client, sleeps: list[float]
) -> None:
    mention_api.always_throttle = "3"

    with pytest.raises(RetryableError, match="-> 429") as caught:
        make_client(max_attempts=3).fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)

    assert caught.value.retry_after == 3.0
    assert sleeps == [3.0, 3.0]
    assert len(mention_api.requests) == 3


def test_retry_after_beyond_the_budget_is_not_slept_in_the_lambda(
    mention_api, make_client, sleeps: list[float]
) -> None:
    mention_api.always_throttle = "3600"

    with pytest.raises(RetryableError) as caught:
        make_client().fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)

    assert caught.value.retry_after == 3600.0
    assert sleeps == []
    assert len(mention_api.requests) == 1


def test_wrong_token_is_a_permanent_error(mention_api, make_client) -> None:
    with pytest.raises(PermanentError, match="401"):
        make_client(token="wrong").fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)


def test_unreachable_api_is_retryable(session: requests.Session, sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = HttpClient(session, policy=policy(max_attempts=2), sleep=sleeps.append)
    client = MentionApiClient(http, "t", base_url=f"http://127.0.0.1:{port}/api")

    with pytest.raises(RetryableError, match="ConnectionError"):
        client.fetch_new("a", "b", since_id=None)
    assert sleeps == [1.0]


def test_pagination_link_to_another_host_is_refused(mention_api, make_client, monkeypatch) -> None:
    client = make_client()
    page = {"mentions": [{"id": "9"}], "_links": {"more": {"href": "https://evil.example/api/x"}}}
    monkeypatch.setattr(client, "_get_json", lambda url, params: page)
    with pytest.raises(PermanentError, match="leaves"):
        client.fetch_new("a", "b", since_id=None)


def test_max_pages_bounds_the_walk(mention_api, make_client) -> None:
    batch = make_client(max_pages=1).fetch_new(mention_api.account_id, mention_api.alert_id, since_id=None)

    assert [m.post_id for m in batch.mentions] == ["7305", "7304", "7303"]
    assert batch.truncated
    assert len(mention_api.requests) == 1


def test_ids_compare_as_numbers() -> None:
    assert is_newer("10000", "9999")
    assert not is_newer("9999", "10000")
