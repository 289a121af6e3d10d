from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, StaleSignatureError
from talkworthy.catalog import ActionTaken, Target

SENDER = SENDERS["slack"]


def payload_of(sample):
    return json.loads(parse_qs(sample.body.decode())["payload"][0])


def with_payload(hooks, payload):
    return hooks.delivery("slack", urlencode({"payload": json.dumps(payload)}).encode())


def test_claim_button_becomes_action_taken(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("slack", "block_actions_claim")))

    assert item.dedupe_key == "1763457290.334109:1763457312.118204"
    [detail] = item.details
    assert isinstance(detail, ActionTaken)
    assert detail.meta.event_key == "slack:1763457290.334109:1763457312.118204"
    assert detail.action == "claim"
    assert detail.target == Target(kind="case", id="c-20251118-0007", system="dynamodb")
    assert detail.actor.id == "U05SAMORTIZ"
    assert detail.actor.name == "sam.ortiz"
    assert detail.actor.via == "slack"
    assert detail.response_url == "https://hooks.slack.com/actions/T05ACME0001/8087112694241/q0Xk2r9TfWm4LbZc7YhN1sPe"
    assert detail.message_ref == "C05S0C1AL42:1763457290.334109"


def test_mark_lead_targets_the_mention(hooks):
    detail = hooks.one(hooks.sample("slack", "block_actions_mark_lead"))

    assert isinstance(detail, ActionTaken)
    assert detail.action == "mark_lead"
    assert detail.target == Target(kind="mention", id="m-7f3a91")
    assert detail.message_ref == "C05SALESLDS:1763561921.009377"
    assert detail.actor.name == "lena.park"


def test_each_action_of_a_payload_is_its_own_item(hooks):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    second = payload["actions"][0] | {"action_id": "escalate", "action_ts": "1763457313.000001"}
    payload["actions"].append(second)

    items = SENDER.adapt(with_payload(hooks, payload))

    assert [item.dedupe_key for item in items] == [
        "1763457290.334109:1763457312.118204",
        "1763457290.334109:1763457313.000001",
    ]
    assert [item.details[0].action for item in items] == ["claim", "escalate"]


def test_buttons_in_a_modal_use_the_view_id(hooks):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    payload["container"] = {"type": "view", "view_id": "V08ACME42QX"}

    [item] = SENDER.adapt(with_payload(hooks, payload))

    assert item.dedupe_key == "V08ACME42QX:1763457312.118204"
    assert item.details[0].message_ref is None


def test_view_submission_is_ignored(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("slack", "view_submission")))

    assert item.details == []
    assert item.ignored == "payload type view_submission is not routed"
    assert item.empty_answer  # an empty 200 closes the modal in Slack
    assert item.dedupe_key == "view_submission:8087120011873.6021178445.0c2e4a6b8d1f3e5a7c9b0d2f4e6a8c1b"


def test_dedupe_key_is_stable_across_signings(hooks):
    sample = hooks.sample("slack", "block_actions_claim")
    keys = {hooks.run(hooks.signed(sample, now=hooks.now + s))[0].dedupe_key for s in (0, 60)}
    assert keys == {"1763457290.334109:1763457312.118204"}


def test_the_open_link_button_is_acknowledged_and_publishes_nothing(hooks):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    payload["actions"][0] = {**payload["actions"][0], "action_id": "open_link", "url": "https://x.com/a/status/1"}
    payload["actions"][0].pop("value", None)

    [item] = SENDER.adapt(with_payload(hooks, payload))

    assert item.details == []
    assert item.ignored == "link button opened; nothing to do"


def test_unknown_action_id_is_refused_naming_the_allowed_ones(hooks):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    payload["actions"][0]["action_id"] = "approve_reply"

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(with_payload(hooks, payload))

    assert err.value.reason.startswith("payload.actions[0].action_id 'approve_reply' is not one of claim,")


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (None, "payload.actions[0].value is missing"),
        ("mention:123", "payload.actions[0].value is not a target"),
        ('{"kind":"ticket","id":"c-1"}', "payload.actions[0].value is not a target: kind:"),
        ('{"kind":"case"}', "payload.actions[0].value is not a target: id:"),
    ],
)
def test_button_value_must_be_a_target(hooks, value, needle):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    payload["actions"][0]["value"] = value

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(with_payload(hooks, payload))

    assert err.value.reason.startswith(needle)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.pop("user"), "payload.user"),
        (lambda p: p["user"].pop("id"), "payload.user.id"),
        (lambda p: p.update(actions=[]), "payload.actions"),
        (lambda p: p["actions"][0].pop("action_ts"), "payload.actions[0].action_ts"),
        (lambda p: p.update(container={"type": "message", "message_ts": 1763457290.3}), "payload.container"),
        (lambda p: p.pop("type"), "payload.type"),
    ],
)
def test_wrong_fields_name_the_field(hooks, mutate, field):
    payload = payload_of(hooks.sample("slack", "block_actions_claim"))
    mutate(payload)

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(with_payload(hooks, payload))

    assert err.value.reason.startswith(field)


def test_form_without_payload_or_with_non_object_payload_is_unusable(hooks):
    with pytest.raises(UnusableBodyError, match="no 'payload' field"):
        SENDER.adapt(hooks.delivery("slack", b"token=abc&team_id=T1"))
    with pytest.raises(UnusableBodyError, match="JSON object"):
        SENDER.adapt(hooks.delivery("slack", urlencode({"payload": "[1]"}).encode()))


@pytest.mark.parametrize("garbage", [b"payload=%7Bnot-json", b"\xff\xfe=1", b"payload", b'{"type":"block_actions"}'])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("slack", garbage))


def test_verify_covers_the_whole_raw_form_body(hooks):
    delivery = hooks.signed(hooks.sample("slack", "block_actions_claim"))
    secrets = hooks.secrets["slack"]
    SENDER.verify(delivery, secrets, hooks.now)

    tampered = delivery.body.replace(b"claim", b"dismiss")
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, body=tampered), secrets, hooks.now)
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(hooks.replace(delivery, body=delivery.body + b"&extra=1"), secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "x-slack-signature"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(StaleSignatureError):
        SENDER.verify(delivery, secrets, hooks.now + 301)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(delivery, {}, hooks.now)
