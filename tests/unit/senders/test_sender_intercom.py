from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError
from talkworthy.catalog import MentionReceived, TicketClosed

SENDER = SENDERS["intercom"]


def test_new_conversation_becomes_a_mention_with_html_stripped(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("intercom", "conversation_user_created")))

    assert item.dedupe_key == "notif_5f0c2a8e-8d1b-4c77-9a0f-0d3f6c2b9e41"
    [detail] = item.details
    assert isinstance(detail, MentionReceived)
    assert detail.meta.event_key == "intercom:notif_5f0c2a8e-8d1b-4c77-9a0f-0d3f6c2b9e41"
    mention = detail.mention
    assert (mention.source_tool, mention.platform) == ("intercom", "intercom")
    assert mention.post_id == "184467"
    assert mention.thread_hint == "184467"
    assert mention.text == (
        "Hi, our orders stopped syncing to the warehouse again this morning.\n"
        "This is the third time this week \u2013 can someone call me?"
    )
    assert mention.author.handle == "6548f2e1a4b3c2d1e0f9a8b7"
    assert mention.author.name == "Dana Whitfield"
    assert mention.author.email == "dana@globex.example"
    assert mention.title is None
    assert mention.posted_at == datetime.fromtimestamp(1763716510, UTC)
    assert str(mention.url) == "https://app.intercom.com/a/apps/q4xk1z7m/conversations/184467"


def test_reply_uses_the_newest_customer_part(hooks):
    detail = hooks.one(hooks.sample("intercom", "conversation_user_replied"))

    assert isinstance(detail, MentionReceived)
    mention = detail.mention
    assert mention.post_id == "27319077352"
    assert mention.thread_hint == "184502"
    assert mention.text == (
        "About 40 seats. If SSO isn't on Team we'd need a quote for Enterprise \u2014 what would that cost?"
    )
    assert mention.author.name == "Priya Raman"
    assert mention.author.email == "priya@initech.example"
    assert mention.posted_at == datetime.fromtimestamp(1763565122, UTC)


def test_admin_close_becomes_ticket_closed(hooks):
    detail = hooks.one(hooks.sample("intercom", "conversation_admin_closed"))

    assert isinstance(detail, TicketClosed)
    assert detail.ticket.system == "intercom"
    assert detail.ticket.record_id == "184467"
    assert detail.status == "closed"
    assert detail.requester_id == "6548f2e1a4b3c2d1e0f9a8b7"
    assert detail.requester_email == "dana@globex.example"
    assert detail.resolution == "Connector hotfix 2.14.1 deployed; sync verified."
    assert detail.origin_channel == "intercom"
    assert detail.closed_at == datetime.fromtimestamp(1763736925, UTC)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("ping", "ping"), ("conversation_admin_assigned", "topic conversation.admin.assigned is not routed")],
)
def test_ping_and_other_topics_are_ignored(hooks, name, reason):
    [item] = hooks.run(hooks.signed(hooks.sample("intercom", name)))

    assert item.details == []
    assert item.ignored == reason


def test_attachment_only_message_is_ignored(hooks):
    sample = hooks.sample("intercom", "conversation_user_created")
    body = hooks.body(sample)
    body["data"]["item"]["source"]["body"] = '<p><img src="https://uploads.example/screenshot.png"></p>'

    [item] = SENDER.adapt(hooks.with_json(sample, body))

    assert item.details == []
    assert item.ignored == "message 184467 has no text (attachments only)"


def test_dedupe_key_is_the_notification_id_on_every_signing(hooks):
    sample = hooks.sample("intercom", "conversation_user_replied")
    keys = {hooks.run(hooks.signed(sample, now=hooks.now + offset))[0].dedupe_key for offset in (0, 3600)}
    assert keys == {"notif_a83e41d2-3c5f-4b90-8e17-6f2d0c9b7a15"}


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("id"), "id"),
        (lambda b: b.update(created_at="2025-11-21"), "created_at"),
        (lambda b: b["data"].pop("item"), "data.item"),
        (lambda b: b["data"]["item"].update(created_at=True), "data.item.created_at"),
        (lambda b: b["data"]["item"]["source"].pop("author"), "data.item.source.author"),
        (lambda b: b["data"]["item"]["source"]["author"].update(id=None), "data.item.source.author.id"),
    ],
)
def test_wrong_fields_name_the_field(hooks, mutate, field):
    sample = hooks.sample("intercom", "conversation_user_created")
    body = hooks.body(sample)
    mutate(body)

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, body))

    assert err.value.reason.startswith(f"{field}:")


def test_reply_without_a_customer_part_is_unusable(hooks):
    sample = hooks.sample("intercom", "conversation_user_replied")
    body = hooks.body(sample)
    parts = body["data"]["item"]["conversation_parts"]["conversation_parts"]
    body["data"]["item"]["conversation_parts"]["conversation_parts"] = parts[:1]

    with pytest.raises(UnusableBodyError, match="no part written by the customer"):
        SENDER.adapt(hooks.with_json(sample, body))


def test_a_bad_part_names_its_index(hooks):
    sample = hooks.sample("intercom", "conversation_user_replied")
    body = hooks.body(sample)
    body["data"]["item"]["conversation_parts"]["conversation_parts"][1]["created_at"] = "now"

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, body))

    assert err.value.reason.startswith("data.item.conversation_parts.conversation_parts[1].created_at:")


@pytest.mark.parametrize("garbage", [b"", b"notif_1", b'{"id": "notif_1",'])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("intercom", garbage))


def test_verify_checks_the_sha1_body_hmac(hooks):
    delivery = hooks.signed(hooks.sample("intercom", "ping"))
    secrets = hooks.secrets["intercom"]
    SENDER.verify(delivery, secrets, hooks.now)
    assert delivery.headers["x-hub-signature"].startswith("sha1=")

    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, body=delivery.body + b" "), secrets, hooks.now)
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(delivery, {"signing": ["another-client-secret"]}, hooks.now)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers={}), secrets, hooks.now)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(delivery, {"signing": []}, hooks.now)
