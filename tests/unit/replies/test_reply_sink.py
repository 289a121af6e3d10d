"""The reply adapters against the local mesh's Discourse and X stand-ins, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.reply_sink import ReplySink
from talkworthy.errors import InvalidInputError, PermanentError
from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.notify import RecordingEmail
from talkworthy.replies.discourse import DiscourseReplyAdapter
from talkworthy.replies.email import EmailReplyAdapter
from talkworthy.replies.port import Origin
from talkworthy.replies.social import SocialReplyAdapter

TOPIC = Origin(platform="discourse", post_id="9001", thread="4242", post_number=3, handle="dana_w")
TWEET = Origin(platform="twitter", post_id="1858412270931259392", handle="danawhit")
TEXT = "Hi dana_w, this has been solved on our side."


@pytest.fixture
def sink() -> Iterator[ReplySink]:
    running = ReplySink(api_key="key-1", api_username="acme-support", bearer_token="tok-1").start()
    yield running
    running.stop()


def _http() -> HttpClient:
    return HttpClient(policy=RetryPolicy(max_attempts=1), sleep=lambda _: None)


def test_a_discourse_reply_lands_in_its_topic_under_the_post_it_answers(sink: ReplySink) -> None:
    adapter = DiscourseReplyAdapter(f"{sink.url}/discourse", "key-1", "acme-support", _http())
    first, second = adapter.reply(TOPIC, TEXT), adapter.reply(TOPIC, TEXT + " Again.")
    assert first.url == f"{sink.url}/discourse/t/topic/4242/2"
    assert second.url is not None
    assert second.url.endswith("/4242/3")
    assert [(r["platform"], r["in_reply_to"]) for r in sink.replies()] == [("discourse", "4242/3")] * 2


def test_discourse_refuses_a_wrong_key_and_a_short_post_for_good(sink: ReplySink) -> None:
    with pytest.raises(PermanentError, match="403"):
        DiscourseReplyAdapter(f"{sink.url}/discourse", "wrong", "acme-support", _http()).reply(TOPIC, TEXT)
    with pytest.raises(PermanentError, match="422"):
        DiscourseReplyAdapter(f"{sink.url}/discourse", "key-1", "acme-support", _http()).reply(TOPIC, "ok")
    assert sink.replies() == []


def test_an_x_reply_answers_the_tweet_and_the_same_text_twice_is_refused(sink: ReplySink) -> None:
    adapter = SocialReplyAdapter(f"{sink.url}/x", "tok-1", http=_http())
    ref = adapter.reply(TWEET, "Hi @danawhit, sorted!")
    ((reply),) = sink.replies()
    assert (reply["id"], reply["in_reply_to"]) == (ref.reply_id, TWEET.post_id)
    with pytest.raises(PermanentError, match="403"):
        adapter.reply(TWEET, "Hi @danawhit, sorted!")  # X refuses duplicate content
    with pytest.raises(PermanentError, match="401"):
        SocialReplyAdapter(f"{sink.url}/x", "stolen", http=_http()).reply(TWEET, "Hi again")


def test_an_email_reply_goes_to_the_origin_address_and_needs_one() -> None:
    email = RecordingEmail()
    adapter = EmailReplyAdapter(email)
    ref = adapter.reply(Origin(platform="reddit", post_id="t3", email="dana@globex.example"), "Hi <Dana>,\n\nSolved.")
    (sent,) = email.sent
    assert (sent.to, ref.platform) == ("dana@globex.example", "email")
    assert "&lt;Dana&gt;" in sent.html
    with pytest.raises(InvalidInputError, match="no e-mail address"):
        adapter.reply(Origin(platform="reddit", post_id="t3"), "Hi")
