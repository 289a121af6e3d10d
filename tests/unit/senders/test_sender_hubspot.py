from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, StaleSignatureError
from talkworthy.catalog import BehaviorObserved

SENDER = SENDERS["hubspot"]


def test_each_event_of_a_batch_is_its_own_item(hooks):
    items = hooks.run(hooks.signed(hooks.sample("hubspot", "batch_deal_won")))

    assert [item.dedupe_key for item in items] == [
        "46012873:deal.propertyChange:21987450113:1794032865:1762186869000",
        "46012873:contact.propertyChange:151:4120778013:1762186871250",
        "46012873:contact.propertyChange:151:4120778014:1762186871250",
    ]
    deal, close_date, amount = items
    assert deal.details == []
    assert deal.ignored == (
        "deal.propertyChange names no customer; won deals arrive as the contact's recent_deal_close_date change"
    )
    assert amount.details == []
    assert amount.ignored == "contact property recent_deal_amount is not customer behaviour we track"
    [order] = close_date.details
    assert isinstance(order, BehaviorObserved)
    assert order.meta.event_key == "hubspot:46012873:contact.propertyChange:151:4120778013:1762186871250"
    assert order.kind == "order"
    assert order.customer_id == "151"
    assert order.source_system == "hubspot"
    assert order.amount is None
    assert order.at == datetime(2025, 11, 3, 16, 21, 9, tzinfo=UTC)


def test_contact_creation_is_explicitly_ignored(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("hubspot", "contact_created")))

    assert item.details == []
    assert item.ignored == "a new CRM contact is not customer behaviour"
    assert item.dedupe_key == "46012873:contact.creation:2203:3877012950:1763561420000"


def test_generic_object_subscription_on_a_contact_is_treated_as_contact(hooks):
    event = hooks.body(hooks.sample("hubspot", "batch_deal_won"))[1]
    event |= {"subscriptionType": "object.propertyChange", "objectTypeId": "0-1"}
    sample = hooks.sample("hubspot", "batch_deal_won")

    [item] = SENDER.adapt(hooks.with_json(sample, [event]))

    assert isinstance(item.details[0], BehaviorObserved)
    assert item.dedupe_key.startswith("46012873:object.propertyChange:151:")


def test_cleared_close_date_and_unknown_types_are_ignored(hooks):
    sample = hooks.sample("hubspot", "batch_deal_won")
    event = hooks.body(sample)[1]
    cleared = event | {"propertyValue": ""}
    unknown = event | {"subscriptionType": "conversation.creation", "eventId": 1}

    items = SENDER.adapt(hooks.with_json(sample, [cleared, unknown]))

    assert [item.ignored for item in items] == [
        "recent_deal_close_date was cleared on contact 151",
        "subscription type conversation.creation is not routed",
    ]


def test_dedupe_keys_ignore_the_attempt_number_and_the_signature(hooks):
    sample = hooks.sample("hubspot", "batch_deal_won")
    first = [item.dedupe_key for item in hooks.run(hooks.signed(sample))]
    second = [item.dedupe_key for item in hooks.run(hooks.signed(sample, now=hooks.now + 90))]
    retried = [dict(event, attemptNumber=3) for event in hooks.body(sample)]
    third = [item.dedupe_key for item in SENDER.adapt(hooks.with_json(sample, retried))]

    assert first == second == third


def test_non_array_empty_and_oversized_batches_are_unusable(hooks):
    sample = hooks.sample("hubspot", "contact_created")
    event = hooks.body(sample)[0]

    with pytest.raises(UnusableBodyError, match="JSON array"):
        SENDER.adapt(hooks.with_json(sample, event))
    with pytest.raises(UnusableBodyError, match="empty array"):
        SENDER.adapt(hooks.with_json(sample, []))
    with pytest.raises(UnusableBodyError, match="101 events"):
        SENDER.adapt(hooks.with_json(sample, [event] * 101))
    assert len(SENDER.adapt(hooks.with_json(sample, [event] * 100))) == 100


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"objectId": "2203"}, "[1].objectId"),
        ({"portalId": None}, "[1].portalId"),
        ({"occurredAt": True}, "[1].occurredAt"),
        ({"occurredAt": 0}, "[1].occurredAt"),
        ({"subscriptionType": ""}, "[1].subscriptionType"),
        ({"propertyValue": 18450}, "[1].propertyValue"),
    ],
)
def test_wrong_fields_name_the_event_and_field(hooks, change, field):
    sample = hooks.sample("hubspot", "contact_created")
    event = hooks.body(sample)[0]

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, [event, event | change]))

    assert err.value.reason.startswith(f"{field}:")


def test_a_batch_item_that_is_not_an_object_is_unusable(hooks):
    sample = hooks.sample("hubspot", "contact_created")

    with pytest.raises(UnusableBodyError, match=r"^\[0\]"):
        SENDER.adapt(hooks.with_json(sample, ["contact.creation"]))


@pytest.mark.parametrize("garbage", [b"", b"[{]", b"\x00\x01"])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("hubspot", garbage))


def test_verify_uses_the_configured_url_and_rejects_tampering(hooks):
    delivery = hooks.signed(hooks.sample("hubspot", "batch_deal_won"))
    secrets = hooks.secrets["hubspot"]
    SENDER.verify(delivery, secrets, hooks.now)

    other_url = hooks.replace(delivery, url="https://hooks.acme.example/webhooks/hubspot?x=1")
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(other_url, secrets, hooks.now)
    tampered = json.loads(delivery.body)
    tampered[1]["objectId"] = 152
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, body=json.dumps(tampered).encode()), secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "x-hubspot-signature-v3"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(StaleSignatureError):
        SENDER.verify(delivery, secrets, hooks.now + 301)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(delivery, {"path_token": ["x"]}, hooks.now)
