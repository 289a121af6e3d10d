"""Reply adapters over real HTTP against the documented request and response shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from talkworthy.errors import InvalidInputError, PermanentError, RetryableError
from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.replies.discourse import DiscourseReplyAdapter
from talkworthy.replies.port import Origin
from talkworthy.replies.social import SocialReplyAdapter
from tests.unit.crm.vendor_server import Reply, VendorServer


@pytest.fixture
def vendor() -> Iterator[VendorServer]:
    server = VendorServer().start()
    yield server
    server.stop()


def _http() -> HttpClient:
    return HttpClient(policy=RetryPolicy(max_attempts=2), sleep=lambda _: None)


TOPIC = Origin(platform="discourse", post_id="9001", thread="4242", post_number=3, handle="dana_w")
TWEET = Origin(platform="twitter", post_id="1859012345678901234", handle="dana_w")


def test_discourse_posts_into_the_topic_under_the_post_it_answers(vendor: VendorServer) -> None:
    vendor.on("POST", "/posts.json", Reply(200, {"id": 777, "topic_id": 4242, "post_number": 4, "topic_slug": "sync"}))
    ref = DiscourseReplyAdapter(vendor.url, "key-1", "acme-support", _http()).reply(TOPIC, "Solved on our side.")
    (call,) = vendor.calls("POST", "/posts.json")
    assert call.json() == {"topic_id": 4242, "raw": "Solved on our side.", "reply_to_post_number": 3}
    assert (call.headers["api-key"], call.headers["api-username"]) == ("key-1", "acme-support")
    assert (ref.reply_id, ref.url) == ("777", f"{vendor.url}/t/sync/4242/4")


def test_discourse_refusals_are_permanent_and_a_missing_topic_is_bad_input(vendor: VendorServer) -> None:
    vendor.on("POST", "/posts.json", Reply(422, {"action": "create_post", "errors": ["Body is too short"]}))
    adapter = DiscourseReplyAdapter(vendor.url, "key-1", "acme-support", _http())
    with pytest.raises(PermanentError, match="422"):
        adapter.reply(TOPIC, "ok")
    with pytest.raises(InvalidInputError, match="topic id"):
        adapter.reply(Origin(platform="discourse", post_id="1"), "no topic")


def test_discourse_throttling_is_retryable_with_its_wait(vendor: VendorServer) -> None:
    vendor.on("POST", "/posts.json", Reply(429, {"errors": ["slow down"]}, {"Retry-After": "42"}))
    with pytest.raises(RetryableError) as caught:
        DiscourseReplyAdapter(vendor.url, "key-1", "acme-support", _http()).reply(TOPIC, "Solved on our side.")
    assert caught.value.retry_after == 42
    assert len(vendor.calls("POST", "/posts.json")) == 1  # a post is never sent twice by the client


def test_social_reply_answers_the_post_with_the_bearer_token(vendor: VendorServer) -> None:
    vendor.on("POST", "/2/tweets", Reply(201, {"data": {"id": "1860000000000000001", "text": "Hi @dana_w"}}))
    ref = SocialReplyAdapter(vendor.url, "user-token", http=_http()).reply(TWEET, "Hi @dana_w, sorted!")
    (call,) = vendor.calls("POST", "/2/tweets")
    assert call.json() == {"text": "Hi @dana_w, sorted!", "reply": {"in_reply_to_tweet_id": TWEET.post_id}}
    assert call.headers["authorization"] == "Bearer user-token"
    assert ref.url == "https://x.com/i/web/status/1860000000000000001"


def test_social_rate_limit_waits_until_the_window_resets(vendor: VendorServer) -> None:
    vendor.on("POST", "/2/tweets", Reply(429, {"title": "Too Many Requests"}, {"x-rate-limit-reset": "1000900"}))
    adapter = SocialReplyAdapter(vendor.url, "user-token", http=_http(), clock=lambda: 1_000_000.0)
    with pytest.raises(RetryableError) as caught:
        adapter.reply(TWEET, "Hi")
    assert caught.value.retry_after == 900


def test_social_duplicates_and_long_texts_are_refused(vendor: VendorServer) -> None:
    vendor.on(
        "POST", "/2/tweets", Reply(403, {"detail": "You are not allowed to create a Tweet with duplicate content."})
    )
    adapter = SocialReplyAdapter(vendor.url, "user-token", http=_http())
    with pytest.raises(PermanentError, match="403"):
        adapter.reply(TWEET, "Hi")
    with pytest.raises(InvalidInputError, match="280"):
        adapter.reply(TWEET, "x" * 281)
