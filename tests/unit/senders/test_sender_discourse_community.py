"""Discourse deliveries as community activity: members, topics, replies and likes of one forum."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, UnusableBodyError
from talkworthy.catalog import CommunityActivity, MentionReceived

SENDER = SENDERS["discourse"]


def _activity(items) -> CommunityActivity:
    [item] = items
    [activity] = [d for d in item.details if isinstance(d, CommunityActivity)]
    return activity


def test_a_reply_is_a_mention_and_community_activity_with_its_own_event_key(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("discourse", "post_created")))

    mention, activity = item.details
    assert isinstance(mention, MentionReceived)
    assert isinstance(activity, CommunityActivity)
    assert activity.meta.event_key == f"{mention.meta.event_key}:community"
    assert activity.meta.correlation_id == mention.meta.correlation_id
    assert (activity.community_id, activity.platform, activity.kind) == (
        "community.acme.example",
        "discourse",
        "post_created",
    )
    assert (activity.actor, activity.actor_name, activity.topic_id, activity.post_id, activity.reply_to) == (
        "88",
        "marco_b",
        "2291",
        "18734",
        "1",
    )
    assert activity.at == datetime(2025, 11, 18, 10, 41, 27, 512000, tzinfo=UTC)
    assert (activity.staff, activity.bot) == (False, False)


def test_a_topic_a_member_and_a_like_are_activity_only(hooks):
    topic = _activity(hooks.run(hooks.signed(hooks.sample("discourse", "topic_created"))))
    member = _activity(hooks.run(hooks.signed(hooks.sample("discourse", "user_created"))))
    [like_item] = hooks.run(hooks.signed(hooks.sample("discourse", "post_liked")))
    like = _activity([like_item])

    assert (topic.kind, topic.actor, topic.actor_name, topic.topic_id) == ("topic_created", "131", "dana_w", "2304")
    assert topic.at == datetime(2025, 11, 20, 9, 14, 55, 120000, tzinfo=UTC)
    assert (member.kind, member.actor, member.actor_name, member.bot) == ("user_created", "140", "priya_r", False)
    assert (like.kind, like.actor, like.topic_id, like.post_id) == ("like", "131", "2291", "18734")
    assert like_item.dedupe_key == "post_liked:18734:131"  # one person's like of one post, whatever the delivery


def test_the_topics_first_post_is_not_counted_twice(hooks):
    sample = hooks.sample("discourse", "post_created")
    body = hooks.body(sample)
    body["post"] |= {"post_number": 1, "reply_to_post_number": None}

    [item] = SENDER.adapt(hooks.with_json(sample, body))

    assert [type(d) for d in item.details] == [MentionReceived]


@pytest.mark.parametrize("flag", ["admin", "moderator", "staff"])
def test_the_brands_own_people_are_flagged_staff(hooks, flag):
    sample = hooks.sample("discourse", "post_created")
    body = hooks.body(sample)
    body["post"][flag] = True

    assert _activity(SENDER.adapt(hooks.with_json(sample, body))).staff is True


def test_system_accounts_joining_are_flagged_bot_and_their_topics_are_not_activity(hooks):
    member = hooks.sample("discourse", "user_created")
    body = hooks.body(member)
    body["user"] |= {"id": -2, "username": "discobot"}
    assert _activity(SENDER.adapt(hooks.with_json(member, body))).bot is True

    topic = hooks.sample("discourse", "topic_created")
    body = hooks.body(topic)
    body["topic"]["created_by"] |= {"id": -1, "username": "system"}
    [item] = SENDER.adapt(hooks.with_json(topic, body))
    assert (item.details, item.ignored) == ([], "topic is by the system user system")


def test_without_the_instance_header_the_community_is_unknown(hooks):
    sample = hooks.sample("discourse", "topic_created")
    headers = {k: v for k, v in sample.headers.items() if k != "X-Discourse-Instance"}

    [item] = SENDER.adapt(hooks.delivery("discourse", sample.body, headers))

    assert (item.details, item.ignored) == ([], "no X-Discourse-Instance: the community is unknown")


@pytest.mark.parametrize(
    ("name", "key", "change", "field"),
    [
        ("topic_created", "topic", {"created_at": None}, "topic.created_at"),
        ("topic_created", "topic", {"created_by": None}, "topic.created_by"),
        ("user_created", "user", {"id": "140"}, "user.id"),
        ("post_liked", "like", {"user": {"username": "x"}}, "like.user.id"),
    ],
)
def test_wrong_fields_name_the_field(hooks, name, key, change, field):
    sample = hooks.sample("discourse", name)
    body = hooks.body(sample)
    body[key] |= change

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, body))

    assert err.value.reason.startswith(f"{field}:")
