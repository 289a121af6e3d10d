from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, StaleSignatureError
from talkworthy.catalog import BehaviorObserved, MentionReceived

SENDER = SENDERS["standard"]


def test_complaint_mention_maps_every_field(hooks):
    sample = hooks.sample("standard", "mention_created_complaint")
    delivery = hooks.signed(sample, delivery_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")

    [item] = hooks.run(delivery)

    assert item.dedupe_key == "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    [detail] = item.details
    assert isinstance(detail, MentionReceived)
    assert detail.meta.event_key == "standard:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    assert detail.meta.correlation_id == "corr-0001"
    mention = detail.mention
    assert mention.source_tool == "brandwatch_forwarder"
    assert mention.platform == "twitter"
    assert mention.post_id == "1858412270931259392"
    assert str(mention.url) == "https://x.com/danawhit/status/1858412270931259392"
    assert mention.author.handle == "danawhit"
    assert mention.author.name == "Dana Whitfield"
    assert mention.author.email == "dana@globex.example"
    assert mention.author.audience == 12840
    assert mention.author.reputation == 0.72
    assert mention.text.startswith("@acme third sync failure this week")
    assert mention.language == "en"
    assert mention.posted_at == datetime(2025, 11, 18, 8, 12, 44, tzinfo=UTC)
    assert (mention.engagement.likes, mention.engagement.shares, mention.engagement.replies) == (41, 9, 6)
    assert mention.thread_hint is None


def test_html_mention_is_stripped_to_text_and_keeps_thread_hints(hooks):
    detail = hooks.one(hooks.sample("standard", "mention_created_pricing_question"))

    assert isinstance(detail, MentionReceived)
    mention = detail.mention
    assert mention.source_tool == "standard_webhooks"
    assert mention.text == (
        "We're evaluating Acme for Initech.\n"
        "Does the Team plan include SSO & audit logs, or is that Enterprise only? Pricing page isn't clear."
    )
    assert mention.title == "Order management tools for a 40-person team?"
    assert mention.in_reply_to == "t3_1gv3k8d"
    assert mention.thread_hint == "t3_1gv3k8d"
    assert mention.author.email == "priya@initech.example"


@pytest.mark.parametrize("kind", ["order", "login", "contact", "cancellation", "downgrade"])
def test_every_behavior_kind_becomes_behavior_observed(hooks, kind):
    sample = hooks.sample("standard", f"behavior_{kind}")
    data = hooks.body(sample)["data"]

    detail = hooks.one(sample)

    assert isinstance(detail, BehaviorObserved)
    assert detail.kind == kind
    assert detail.customer_id == data["customer_id"]
    assert detail.amount == data.get("amount")
    assert detail.currency == data.get("currency")
    assert detail.source_system == data["source_system"]
    assert detail.at.tzinfo is not None
    assert detail.at.utcoffset().total_seconds() == 0


def test_behavior_at_with_an_offset_is_converted_to_utc(hooks):
    detail = hooks.one(hooks.sample("standard", "behavior_downgrade"))

    assert isinstance(detail, BehaviorObserved)
    assert detail.at == datetime(2025, 11, 22, 11, 0, tzinfo=UTC)
    assert detail.at.tzinfo == UTC


def test_dedupe_key_is_the_webhook_id_and_stable_across_signings(hooks):
    sample = hooks.sample("standard", "behavior_order")
    first = hooks.run(hooks.signed(sample))
    second = hooks.run(hooks.signed(sample, now=hooks.now + 120))

    assert first[0].dedupe_key == second[0].dedupe_key
    assert first[0].dedupe_key.startswith("msg_")


def test_unknown_type_is_refused_naming_the_accepted_types(hooks):
    sample = hooks.sample("standard", "behavior_order")
    body = hooks.body(sample) | {"type": "ticket.closed"}
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"webhook-id": "msg_1"})

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(delivery)

    assert "'ticket.closed' is not accepted" in err.value.reason
    assert "mention.created" in err.value.reason
    assert "behavior.downgrade" in err.value.reason


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b["data"].pop("posted_at"), "data.posted_at"),
        (lambda b: b["data"]["author"].update(handle=""), "data.author.handle"),
        (lambda b: b["data"]["author"].update(followers="12k"), "data.author.followers"),
        (lambda b: b["data"]["author"].update(reputation=3), "data.author.reputation"),
        (lambda b: b["data"].update(posted_at=1763453564), "data.posted_at"),
        (lambda b: b["data"].update(posted_at="2025-11-18T08:12:44"), "data.posted_at"),
        (lambda b: b["data"].update(url="not a url"), "data.url"),
        (lambda b: b["data"].update(language="English"), "data.language"),
        (lambda b: b.update(data=[]), "data"),
        (lambda b: b.pop("timestamp"), "timestamp"),
    ],
)
def test_wrong_or_missing_mention_fields_name_the_field(hooks, mutate, field):
    sample = hooks.sample("standard", "mention_created_complaint")
    body = hooks.body(sample)
    mutate(body)
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"webhook-id": "msg_1"})

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(delivery)

    assert err.value.reason.startswith(f"{field}:")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"amount": -5.0}, "data.amount"),
        ({"amount": "18450"}, "data.amount"),
        ({"currency": "usd"}, "data.currency"),
        ({"customer_id": None}, "data.customer_id"),
        ({"currency": None}, "data.currency is required"),
    ],
)
def test_wrong_behavior_fields_name_the_field(hooks, change, needle):
    sample = hooks.sample("standard", "behavior_order")
    body = hooks.body(sample)
    body["data"] |= change
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"webhook-id": "msg_1"})

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(delivery)

    assert needle in err.value.reason


def test_html_text_with_nothing_visible_is_refused(hooks):
    sample = hooks.sample("standard", "mention_created_pricing_question")
    body = hooks.body(sample)
    body["data"]["text"] = "<p> <br></p><script>alert(1)</script>"
    delivery = hooks.replace(hooks.with_json(sample, body), headers={"webhook-id": "msg_1"})

    with pytest.raises(UnusableBodyError, match=r"data\.text is empty"):
        SENDER.adapt(delivery)


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"\xff\xfe", b"[1, 2"])
def test_garbage_is_malformed(hooks, garbage):
    delivery = hooks.delivery("standard", garbage, {"webhook-id": "msg_1"})

    with pytest.raises(MalformedBodyError):
        SENDER.adapt(delivery)


def test_a_json_array_is_unusable(hooks):
    with pytest.raises(UnusableBodyError, match="JSON object"):
        SENDER.adapt(hooks.delivery("standard", b"[]", {"webhook-id": "msg_1"}))


def test_verify_accepts_the_sender_signature_and_svix_names(hooks):
    delivery = hooks.signed(hooks.sample("standard", "behavior_login"))
    SENDER.verify(delivery, hooks.secrets["standard"], hooks.now)

    svix = {name.replace("webhook-", "svix-"): value for name, value in delivery.headers.items()}
    svix_delivery = hooks.replace(delivery, headers=svix)
    SENDER.verify(svix_delivery, hooks.secrets["standard"], hooks.now)
    assert SENDER.adapt(svix_delivery)[0].dedupe_key == delivery.headers["webhook-id"]


def test_verify_rejects_tampered_unsigned_stale_and_unconfigured(hooks):
    delivery = hooks.signed(hooks.sample("standard", "behavior_login"))
    secrets = hooks.secrets["standard"]

    tampered = hooks.replace(delivery, body=delivery.body.replace(b"login", b"order"))
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(tampered, secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "webhook-signature"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(StaleSignatureError):
        SENDER.verify(delivery, secrets, hooks.now + 301)
    with pytest.raises(MissingSignatureError, match="no signing secret"):
        SENDER.verify(delivery, {}, hooks.now)


def test_missing_webhook_id_is_unusable(hooks):
    sample = hooks.sample("standard", "behavior_order")

    with pytest.raises(UnusableBodyError, match="webhook-id header is missing"):
        SENDER.adapt(hooks.with_json(sample, hooks.body(sample)))
