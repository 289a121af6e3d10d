from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError
from talkworthy.catalog import MentionReceived

SENDER = SENDERS["discourse"]


def test_public_reply_becomes_a_mention(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("discourse", "post_created")))

    assert item.dedupe_key == "post_created:18734:2025-11-18T10:41:27.512000+00:00"
    detail, _activity = item.details
    assert isinstance(detail, MentionReceived)
    assert detail.meta.event_key == "discourse:post_created:18734:2025-11-18T10:41:27.512000+00:00"
    mention = detail.mention
    assert (mention.source_tool, mention.platform) == ("discourse", "discourse")
    assert mention.post_id == "18734"
    assert str(mention.url) == "https://community.acme.example/t/orders-stop-syncing-after-2-14/2291/4"
    assert mention.author.handle == "marco_b"
    assert mention.author.name == "Marco Bellini"
    assert mention.author.platform_user_id == "88"
    assert mention.author.reputation == 0.75
    assert str(mention.author.profile_url) == "https://community.acme.example/u/marco_b"
    assert mention.title == "Orders stop syncing after 2.14"
    assert mention.text.startswith("Same here since 2.14 :frowning: Our Shopify orders stop syncing")
    assert mention.posted_at == datetime(2025, 11, 18, 10, 41, 27, 512000, tzinfo=UTC)
    assert mention.thread_hint == "2291"
    assert mention.in_reply_to == "2291/1"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ping", "ping"),
        ("post_created_private_message", "post is in a private message"),
        ("post_created_by_system", "post is by the system user system"),
        ("post_edited", "event post_edited is not routed"),
    ],
)
def test_ignored_deliveries_say_why(hooks, name, reason):
    if name == "post_edited":
        sample = hooks.sample("discourse", "post_created")
        [item] = SENDER.adapt(hooks.delivery("discourse", sample.body, sample.headers | {"X-Discourse-Event": name}))
    else:
        [item] = hooks.run(hooks.signed(hooks.sample("discourse", name)))

    assert item.details == []
    assert item.ignored == reason


def test_ignored_keys_use_the_object_id_and_fall_back_to_the_event_id(hooks):
    keys = {
        name: hooks.run(hooks.signed(hooks.sample("discourse", name)))[0].dedupe_key
        for name in ("topic_created", "user_created", "ping")
    }

    assert keys == {
        "topic_created": "topic_created:2304:2025-11-20T09:14:55.120Z",
        "user_created": "user_created:140:2025-11-19T15:02:40.221Z",
        "ping": "ping:90001",
    }


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"post_type": 4}, "post_type 4 is not a regular public post (whisper, small action)"),
        ({"username": "discobot", "user_id": -2}, "post is by the system user discobot"),
        ({"deleted_at": "2025-11-18T11:00:00.000Z"}, "post is deleted or hidden"),
    ],
)
def test_whispers_bots_and_deleted_posts_are_ignored(hooks, change, reason):
    sample = hooks.sample("discourse", "post_created")
    body = hooks.body(sample)
    body["post"] |= change

    [item] = SENDER.adapt(hooks.with_json(sample, body))

    assert item.details == []
    assert item.ignored == reason


def test_first_post_has_no_reply_hint_and_no_instance_means_no_url(hooks):
    sample = hooks.sample("discourse", "post_created")
    body = hooks.body(sample)
    body["post"] |= {"reply_to_post_number": None, "post_number": 1, "trust_level": None}
    headers = {k: v for k, v in sample.headers.items() if k != "X-Discourse-Instance"}

    [item] = SENDER.adapt(hooks.delivery("discourse", hooks.with_json(sample, body).body, headers))

    [detail] = item.details
    assert isinstance(detail, MentionReceived)
    assert detail.mention.in_reply_to is None
    assert detail.mention.url is None
    assert detail.mention.author.reputation is None


def test_dedupe_key_changes_with_updated_at_but_not_with_the_delivery(hooks):
    sample = hooks.sample("discourse", "post_created")
    first = hooks.run(hooks.signed(sample))[0].dedupe_key
    redelivered = hooks.signed(sample)
    redelivered = hooks.replace(redelivered, headers=redelivered.headers | {"x-discourse-event-id": "90999"})
    assert hooks.run(redelivered)[0].dedupe_key == first

    body = hooks.body(sample)
    body["post"]["updated_at"] = "2025-11-18T10:45:00.000Z"
    assert SENDER.adapt(hooks.with_json(sample, body))[0].dedupe_key != first


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topic_id": "2291"}, "post.topic_id"),
        ({"raw": None}, "post.raw"),
        ({"created_at": None}, "post.created_at"),
        ({"username": ""}, "post.username"),
        ({"post_number": 0}, "post.post_number"),
        ({"trust_level": 9}, "post.trust_level"),
    ],
)
def test_wrong_post_fields_name_the_field(hooks, change, field):
    sample = hooks.sample("discourse", "post_created")
    body = hooks.body(sample)
    body["post"] |= change

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, body))

    assert err.value.reason.startswith(f"{field}:")


def test_missing_post_or_event_header_is_unusable(hooks):
    sample = hooks.sample("discourse", "post_created")
    with pytest.raises(UnusableBodyError, match=r"^post: "):
        SENDER.adapt(hooks.with_json(sample, {"topic": {}}))
    with pytest.raises(UnusableBodyError, match="X-Discourse-Event header"):
        SENDER.adapt(hooks.delivery("discourse", sample.body, {}))


@pytest.mark.parametrize("garbage", [b"", b"{]", b"\xc3\x28"])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("discourse", garbage, {"X-Discourse-Event": "post_created"}))


def test_verify_checks_the_body_hmac(hooks):
    delivery = hooks.signed(hooks.sample("discourse", "ping"))
    secrets = hooks.secrets["discourse"]
    SENDER.verify(delivery, secrets, hooks.now)
    # the handbook's published Discourse vector, signed by the sender side
    assert delivery.headers["x-discourse-event-signature"] == (
        "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6"
    )

    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, body=b'{"ping":"KO"}'), secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "x-discourse-event-signature"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(delivery, {}, hooks.now)
