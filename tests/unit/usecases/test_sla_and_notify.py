"""SLA timers start, stop and escalate; notifications go out once and never on replay."""

from __future__ import annotations

from datetime import timedelta

from mention_builders import NOW

from talkworthy.catalog import CaseOpened, EventMeta, RecordRef, Target, TicketClosed
from talkworthy.consumer import Arrival
from talkworthy.idempotency import InMemoryOnce
from talkworthy.notify import ActionLinkSigner, RecordingChat, RecordingEmail
from talkworthy.notify.messages import InMemorySentMessages
from talkworthy.scheduling import InMemorySlaScheduler, timer_name
from talkworthy.usecases.notify import send_notification
from talkworthy.usecases.sla import escalation_for, start_sla_timer, stop_sla_timer

META = EventMeta(event_key="k", correlation_id="c", producer="talkworthy.route", occurred_at=NOW)
CASE = RecordRef(system="dynamodb", record_id="case-1")


def _opened() -> CaseOpened:
    return CaseOpened(
        meta=META,
        case=CASE,
        subject="s",
        priority="urgent",
        rule="key-account-complaint",
        sla_due=NOW + timedelta(hours=1),
        origin_channel="twitter",
    )


def test_timer_starts_once_and_a_closed_ticket_cancels_it() -> None:
    scheduler = InMemorySlaScheduler()
    assert start_sla_timer(_opened(), scheduler) is True
    assert start_sla_timer(_opened(), scheduler) is False  # redelivered Case.Opened
    due, breach = scheduler.timers[timer_name(CASE)]
    assert due == NOW + timedelta(hours=1)
    assert breach.elapsed_seconds == 3600
    assert breach.meta.correlation_id == "c"
    closed = TicketClosed(meta=META, ticket=CASE, status="solved", closed_at=NOW)
    assert stop_sla_timer(closed, scheduler) is True
    assert scheduler.timers == {}


def test_escalation_names_the_case_and_offers_a_claim() -> None:
    scheduler = InMemorySlaScheduler()
    start_sla_timer(_opened(), scheduler)
    _, breach = scheduler.timers[timer_name(CASE)]
    request = escalation_for(breach, "C0ESCALATE")
    assert request.audience == "C0ESCALATE"
    assert "case-1" in request.headline
    assert request.actions == ["claim", "escalate"]


def _request(channel: str = "slack", audience: str = "#customer-care"):  # type: ignore[no-untyped-def]
    from talkworthy.catalog import ActionRequested

    return ActionRequested(
        meta=META,
        channel=channel,
        audience=audience,
        headline="h",
        body="b",  # type: ignore[arg-type]
        target=Target(kind="case", id="case-1"),
        actions=["claim", "dismiss"],
    )


def test_notification_goes_out_once_and_not_on_replay() -> None:
    chat, email, once = RecordingChat(), RecordingEmail(), InMemoryOnce()
    links = ActionLinkSigner([b"k" * 32], ttl_seconds=3600)
    kwargs = {
        "chat": chat,
        "email": email,
        "links": links,
        "links_base_url": "https://tw.example",
        "once": once,
        "messages": InMemorySentMessages(),
        "now": NOW.timestamp(),
    }
    live = Arrival(event_id="1", replay_name=None, receive_count=1)
    replay = Arrival(event_id="2", replay_name="recover-2026-11-25", receive_count=1)
    assert send_notification(_request(), replay, **kwargs) is None
    assert send_notification(_request(), live, **kwargs) is not None
    assert send_notification(_request(), live, **kwargs) is None
    assert len(chat.calls) == 1
    sent = send_notification(
        _request("email", "care-lead@example.com"),
        Arrival(event_id="3", replay_name=None, receive_count=1),
        **{**kwargs, "once": InMemoryOnce()},
    )
    assert sent is not None
    assert "https://tw.example/actions/" in email.sent[0].html
