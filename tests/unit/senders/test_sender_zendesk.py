from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.senders import SENDERS, MalformedBodyError, UnusableBodyError
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, StaleSignatureError
from talkworthy.catalog import RecordRef, TicketClosed, TicketReopened

SENDER = SENDERS["zendesk"]


def test_solved_status_change_becomes_ticket_closed(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("zendesk", "ticket_solved")))

    assert item.dedupe_key == "01JD3XK2M4Q6R8T0V2W4Y6Z8A1"
    [detail] = item.details
    assert isinstance(detail, TicketClosed)
    assert detail.meta.event_key == "zendesk:01JD3XK2M4Q6R8T0V2W4Y6Z8A1"
    assert detail.ticket.system == "zendesk"
    assert detail.ticket.record_id == "48213"
    assert detail.status == "solved"
    assert detail.subject == "Orders not syncing since the 2.14 update"
    assert detail.requester_id == "1904417733120"
    assert detail.origin_channel == "web_service"
    assert detail.closed_at == datetime(2025, 11, 19, 16, 40, 3, 481923, tzinfo=UTC)


def test_a_ticket_mirroring_a_case_names_it_and_other_external_ids_do_not(hooks):
    sample = hooks.sample("zendesk", "ticket_solved")
    body = hooks.body(sample)
    assert SENDER.adapt(hooks.with_json(sample, body))[0].details[0].case is None  # external_id null
    body["detail"]["external_id"] = "dynamodb:case-5f2e"
    [item] = SENDER.adapt(hooks.with_json(sample, body))
    assert item.details[0].case == RecordRef(system="dynamodb", record_id="case-5f2e")
    for other in ("tw-0123abcd", "jira:OPS-1", "dynamodb:"):  # our own CRM key, an unknown system, no id
        body["detail"]["external_id"] = other
        assert SENDER.adapt(hooks.with_json(sample, body))[0].details[0].case is None


def test_a_solved_ticket_moved_back_to_open_is_reopened(hooks):
    sample = hooks.sample("zendesk", "ticket_solved")
    body = hooks.body(sample)
    body["event"] = {"previous": "SOLVED", "current": "OPEN"}
    body["detail"]["external_id"] = "dynamodb:case-5f2e"
    [item] = SENDER.adapt(hooks.with_json(sample, body))
    [reopened] = item.details
    assert isinstance(reopened, TicketReopened)
    assert (reopened.ticket.record_id, reopened.status, reopened.case) == (
        "48213",
        "open",
        RecordRef(system="dynamodb", record_id="case-5f2e"),
    )
    body["event"] = {"previous": "NEW", "current": "OPEN"}  # never solved: nothing to reopen
    assert SENDER.adapt(hooks.with_json(sample, body))[0].details == []


def test_closed_status_change_becomes_ticket_closed(hooks):
    detail = hooks.one(hooks.sample("zendesk", "ticket_closed"))

    assert isinstance(detail, TicketClosed)
    assert detail.status == "closed"
    assert detail.ticket.record_id == "47990"
    assert detail.origin_channel == "email"


def test_non_closing_status_change_is_explicitly_ignored(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("zendesk", "ticket_status_pending")))

    assert item.details == []
    assert item.ignored == "ticket 48240 moved to pending, not solved or closed"
    assert item.dedupe_key == "01JD3Q0W2Y4A6C8E0G2J4K6M8N"


def test_other_ticket_events_and_other_events_are_ignored_with_a_reason(hooks):
    [item] = hooks.run(hooks.signed(hooks.sample("zendesk", "ticket_comment_added")))
    assert item.details == []
    assert item.ignored == (
        "ticket event ticket.comment_added is not routed; only ticket.status_changed to solved or closed is"
    )

    sample = hooks.sample("zendesk", "ticket_solved")
    body = hooks.body(sample) | {"type": "zen:event-type:user.created"}
    [other] = SENDER.adapt(hooks.with_json(sample, body))
    assert other.ignored == "event type user.created is not routed"


def test_dedupe_key_is_stable_across_signings(hooks):
    sample = hooks.sample("zendesk", "ticket_solved")
    keys = {hooks.run(hooks.signed(sample, now=hooks.now + offset))[0].dedupe_key for offset in (0, 200)}
    assert keys == {"01JD3XK2M4Q6R8T0V2W4Y6Z8A1"}


def test_trigger_connected_body_without_type_is_refused(hooks):
    sample = hooks.sample("zendesk", "ticket_solved")
    custom = {"ticket_id": "48213", "status": "Solved", "requester_email": "dana@globex.example"}

    with pytest.raises(UnusableBodyError, match=r"body has no 'type'.*trigger"):
        SENDER.adapt(hooks.with_json(sample, custom))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("id"), "id"),
        (lambda b: b.update(time="yesterday"), "time"),
        (lambda b: b.update(type=["ticket"]), "type"),
        (lambda b: b["detail"].pop("id"), "detail.id"),
        (lambda b: b["detail"].update(id=True), "detail.id"),
        (lambda b: b["event"].pop("current"), "event.current"),
        (lambda b: b["detail"].update(via="web"), "detail.via"),
        (lambda b: b.update(detail=None), "detail"),
    ],
)
def test_wrong_or_missing_fields_name_the_field(hooks, mutate, field):
    sample = hooks.sample("zendesk", "ticket_solved")
    body = hooks.body(sample)
    mutate(body)

    with pytest.raises(UnusableBodyError) as err:
        SENDER.adapt(hooks.with_json(sample, body))

    assert err.value.reason.startswith(f"{field}:")


def test_numeric_ids_are_accepted_as_text(hooks):
    sample = hooks.sample("zendesk", "ticket_solved")
    body = hooks.body(sample)
    body["detail"] |= {"id": 48213, "requester_id": 1904417733120}

    [item] = SENDER.adapt(hooks.with_json(sample, body))

    assert isinstance(item.details[0], TicketClosed)
    assert item.details[0].ticket.record_id == "48213"
    assert item.details[0].requester_id == "1904417733120"


@pytest.mark.parametrize("garbage", [b"", b"<xml/>", b'{"id": 1'])
def test_garbage_is_malformed(hooks, garbage):
    with pytest.raises(MalformedBodyError):
        SENDER.adapt(hooks.delivery("zendesk", garbage))


def test_verify_rejects_tampered_unsigned_stale_and_unconfigured(hooks):
    delivery = hooks.signed(hooks.sample("zendesk", "ticket_solved"))
    secrets = hooks.secrets["zendesk"]
    SENDER.verify(delivery, secrets, hooks.now)
    SENDER.verify(delivery, {"signing": ["rotated-new-secret", *secrets["signing"]]}, hooks.now)

    tampered = hooks.replace(delivery, body=delivery.body.replace(b"SOLVED", b"CLOSED"))
    with pytest.raises(InvalidSignatureError):
        SENDER.verify(tampered, secrets, hooks.now)
    unsigned = {k: v for k, v in delivery.headers.items() if k != "x-zendesk-webhook-signature"}
    with pytest.raises(MissingSignatureError):
        SENDER.verify(hooks.replace(delivery, headers=unsigned), secrets, hooks.now)
    with pytest.raises(StaleSignatureError):
        SENDER.verify(delivery, secrets, hooks.now - 301)
    with pytest.raises(MissingSignatureError):
        SENDER.verify(delivery, {"signing": ["  "]}, hooks.now)
