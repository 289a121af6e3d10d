"""Conversation threads: each rule, on the in-memory store (the functional suite reruns them on DynamoDB)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import strategies as st

from talkworthy.catalog.mention import Author, Mention
from talkworthy.identity import InMemoryThreadStore, ThreadStore
from talkworthy.identity.threads import normalise_url

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def mention(post_id: str, *, platform: str = "twitter", hours: float = 0, **extra: Any) -> Mention:
    return Mention(
        source_tool="standard_webhooks",
        platform=platform,
        post_id=post_id,
        author=Author(handle=extra.pop("handle", "alice")),
        text="the export button does nothing",
        posted_at=T0 + timedelta(hours=hours),
        **extra,
    )


class ThreadRuleTests:
    @pytest.fixture
    def store(self, make_store: Callable[[], ThreadStore]) -> ThreadStore:
        return make_store()

    def test_a_first_mention_starts_a_stable_thread(self, store: ThreadStore) -> None:
        first = store.assign_thread(mention("100"), "pr_a", "support_request")
        assert first == "th_twitter_100"
        assert store.assign_thread(mention("100"), "pr_a", "support_request") == first  # redelivery

    def test_a_reply_joins_its_parents_thread(self, store: ThreadStore) -> None:
        parent = store.assign_thread(mention("100"), "pr_a", "question")
        reply = store.assign_thread(mention("101", in_reply_to="100", handle="bob"), "pr_b", "praise")
        reply_to_reply = store.assign_thread(mention("102", in_reply_to="101"), "pr_c", "other")
        assert parent == reply == reply_to_reply == "th_twitter_100"

    def test_a_reply_that_arrives_first_waits_for_its_parent(self, store: ThreadStore) -> None:
        reply = store.assign_thread(mention("201", in_reply_to="200", hours=1), "pr_b", "question")
        parent = store.assign_thread(mention("200"), "pr_a", "complaint")
        assert reply == parent == "th_twitter_200"

    def test_the_platform_thread_groups_mentions(self, store: ThreadStore) -> None:
        one = store.assign_thread(mention("300", thread_hint="topic-9"), "pr_a", "question")
        two = store.assign_thread(mention("301", thread_hint="topic-9", handle="bob"), "pr_b", "idea")
        elsewhere = store.assign_thread(
            mention("302", platform="discourse", thread_hint="topic-9", handle="cy"), "pr_c", "idea"
        )
        assert one == two == "th_twitter_300"
        assert elsewhere == "th_discourse_302"  # the same hint on another platform is another thread

    def test_the_same_url_is_the_same_thread(self, store: ThreadStore) -> None:
        url = "https://news.example/story?id=7"
        one = store.assign_thread(mention("a1", platform="web", url=url), "pr_a", "complaint")
        two = store.assign_thread(
            mention("a2", platform="web", url=url + "&utm_source=alerts#comments", handle="bob"),
            "pr_b",
            "other",
        )
        assert one == two == "th_web_a1"

    def test_the_same_author_on_the_same_topic_within_the_window(self, store: ThreadStore) -> None:
        first = store.assign_thread(mention("400"), "pr_a", "support_request")
        later = store.assign_thread(mention("401", hours=40), "pr_a", "support_request")
        sliding = store.assign_thread(mention("402", hours=80), "pr_a", "support_request")
        other_topic = store.assign_thread(mention("403", hours=81), "pr_a", "idea")
        other_author = store.assign_thread(mention("404", hours=81, handle="bob"), "pr_b", "support_request")
        gone_quiet = store.assign_thread(mention("405", hours=200), "pr_a", "support_request")
        assert first == later == sliding == "th_twitter_400"  # each mention extends the window
        assert other_topic == "th_twitter_403"
        assert other_author == "th_twitter_404"
        assert gone_quiet == "th_twitter_405"

    def test_a_shorter_window_splits_sooner(self, store: ThreadStore) -> None:
        store.assign_thread(mention("500"), "pr_a", "complaint")
        later = store.assign_thread(mention("501", hours=5), "pr_a", "complaint", window=timedelta(hours=4))
        assert later == "th_twitter_501"

    def test_a_reply_beats_the_authors_topic(self, store: ThreadStore) -> None:
        store.assign_thread(mention("600"), "pr_a", "complaint")
        store.assign_thread(mention("700", handle="bob"), "pr_b", "question")
        reply = store.assign_thread(mention("601", hours=1, in_reply_to="700"), "pr_a", "complaint")
        follow_up = store.assign_thread(mention("602", hours=2), "pr_a", "complaint")
        assert reply == "th_twitter_700"
        assert follow_up == "th_twitter_700"  # the author's latest conversation on the topic

    def test_a_mention_out_of_order_does_not_move_the_topic_back(self, store: ThreadStore) -> None:
        store.assign_thread(mention("900", handle="bob"), "pr_b", "question")
        store.assign_thread(mention("800", hours=10), "pr_a", "complaint")
        late = store.assign_thread(mention("801", hours=5, in_reply_to="900"), "pr_a", "complaint")
        assert late == "th_twitter_900"
        assert store.assign_thread(mention("802", hours=11), "pr_a", "complaint") == "th_twitter_800"

    def test_a_very_late_mention_does_not_move_the_topic_back(self, store: ThreadStore) -> None:
        latest = store.assign_thread(mention("1000", hours=100), "pr_a", "complaint")
        late = store.assign_thread(mention("1001", hours=0), "pr_a", "complaint")  # 100 h late
        assert late == "th_twitter_1001"  # too far from the author's latest: a thread of its own
        assert store.assign_thread(mention("1002", hours=101), "pr_a", "complaint") == latest

    def test_a_redelivery_after_later_mentions_changes_nothing(self, store: ThreadStore) -> None:
        first = store.assign_thread(mention("1100", url="https://x.example/a"), "pr_a", "idea")
        store.assign_thread(mention("1101", hours=1, in_reply_to="1200"), "pr_a", "idea")
        assert store.assign_thread(mention("1100", url="https://x.example/a"), "pr_a", "idea") == first
        follow_up = store.assign_thread(mention("1102", hours=2), "pr_a", "idea")
        assert follow_up == "th_twitter_1200"  # the redelivery did not take the topic back


class TestInMemoryThreads(ThreadRuleTests):
    @pytest.fixture
    def make_store(self) -> Callable[[], ThreadStore]:
        return InMemoryThreadStore


MENTIONS = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "3", "4", "5", "6"]),  # post id (a repeat is a redelivery)
        st.none() | st.sampled_from(["1", "2", "9"]),  # in reply to
        st.none() | st.sampled_from(["h1", "h2"]),  # platform thread
        st.none() | st.sampled_from(["https://a.example/x", "https://a.example/y?utm_source=z"]),
        st.sampled_from(["pr_a", "pr_b"]),
        st.sampled_from(["question", "complaint"]),
        st.integers(0, 150),  # hours: out of order, within and beyond the 48 h window
    ),
    min_size=1,
    max_size=14,
)


def history(store: ThreadStore, steps: list[tuple[Any, ...]]) -> list[str]:
    """The thread of every mention in ``steps``, assigned in order."""
    threads = []
    for post, parent, hint, url, profile, topic, hours in steps:
        extra = {"in_reply_to": parent, "thread_hint": hint, "url": url}
        threads.append(store.assign_thread(mention(post, hours=hours, **extra), profile, topic))
    return threads


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://News.Example/a/?utm_campaign=x", "https://news.example/a"),
        ("https://news.example/a?b=1#frag", "https://news.example/a?b=1"),
    ],
)
def test_urls_are_compared_without_noise(url: str, expected: str) -> None:
    assert normalise_url(url) == expected
