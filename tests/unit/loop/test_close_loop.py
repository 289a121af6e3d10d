"""A solved ticket tells the customer once, where they came from, whichever system reports it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loop_fixtures import CASE, NOW, TWEET, ZENDESK, RecordingReplies, closed, opened

from talkworthy.catalog import CaseOrigin, RecordRef
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.loop.store import InMemoryLoopStore
from talkworthy.outreach.ledger import InMemoryContactLedger
from talkworthy.replies.router import ReplyRouter
from talkworthy.replies.texts import load_texts
from talkworthy.usecases.close_loop import LoopPorts, close_loop, record_origin


@pytest.fixture
def x() -> RecordingReplies:
    return RecordingReplies("x")


@pytest.fixture
def discourse() -> RecordingReplies:
    return RecordingReplies("discourse")


@pytest.fixture
def mail() -> RecordingReplies:
    return RecordingReplies("email")


@pytest.fixture
def ports(x: RecordingReplies, discourse: RecordingReplies, mail: RecordingReplies) -> LoopPorts:
    router = ReplyRouter({"x": x, "discourse": discourse}, mail)
    return LoopPorts(store=InMemoryLoopStore(), replies=router, ledger=InMemoryContactLedger(), texts=load_texts())


def test_a_solved_ticket_is_answered_on_the_tweet_and_counted_as_transactional(
    ports: LoopPorts, x: RecordingReplies
) -> None:
    assert record_origin(opened(), ports.store)
    (done,) = close_loop(closed(), ports, NOW)
    ((origin, text),) = x.posted
    assert origin.post_id == TWEET.post_id
    assert text.startswith("Hi @danawhit,")
    assert "#35436" in text
    assert "http" not in text
    assert (done.told, done.channel, done.reply_url) == (True, "x", "https://x.example/r/1")
    assert (done.case, done.meta.event_key, done.meta.correlation_id) == (
        CASE,
        "loop:dynamodb:case-5f2e",
        "req-mention",
    )
    ledger = ports.ledger
    assert isinstance(ledger, InMemoryContactLedger)
    support, reply = ledger.entries["prf_dana"]
    assert (reply.kind, reply.channel) == ("transactional", "social_reply")
    assert (support.kind, support.at) == ("support", NOW)  # the quiet period before outreach starts


def test_a_redelivered_close_returns_the_same_loop_closed_and_replies_once(
    ports: LoopPorts, x: RecordingReplies
) -> None:
    record_origin(opened(), ports.store)
    first = close_loop(closed(), ports, NOW)
    again = close_loop(closed(), ports, NOW)
    assert again == first
    assert len(x.posted) == 1


def test_a_second_system_reporting_the_same_closure_changes_nothing(ports: LoopPorts, x: RecordingReplies) -> None:
    record_origin(opened(), ports.store)
    assert close_loop(closed(), ports, NOW)  # Zendesk: ticket 35436, which the case is known as
    assert close_loop(closed(CASE, "dynamodb:resolve-1"), ports, NOW) == []  # the built-in CRM's Resolve
    assert len(x.posted) == 1


def test_a_ticket_naming_the_case_it_stands_for_finds_the_origin(ports: LoopPorts, x: RecordingReplies) -> None:
    record_origin(opened(TWEET.model_copy(update={"known_as": []})), ports.store)
    hubspot = RecordRef(system="hubspot", record_id="9001")
    assert close_loop(closed(hubspot, "hubspot:1"), ports, NOW) == []  # nothing links it to the case
    (done,) = close_loop(closed(hubspot, "hubspot:2", case=CASE), ports, NOW)
    assert done.told
    assert done.ticket == hubspot
    assert len(x.posted) == 1


def test_a_ticket_no_mention_opened_closes_no_loop(ports: LoopPorts) -> None:
    record_origin(opened(), ports.store)
    assert close_loop(closed(RecordRef(system="intercom", record_id="77")), ports, NOW) == []


def test_a_discourse_topic_is_answered_in_the_community_voice(ports: LoopPorts, discourse: RecordingReplies) -> None:
    topic = CaseOrigin(platform="discourse", post_id="9001", thread="4242", post_number=3, handle="dana_w")
    record_origin(opened(topic), ports.store)
    (done,) = close_loop(closed(CASE, "dynamodb:r1", status="closed"), ports, NOW)
    ((origin, text),) = discourse.posted
    assert (origin.thread, origin.post_number) == ("4242", 3)
    assert text.startswith("Hi dana_w, we've closed #case-5f2e")
    assert "reply in this topic" in text
    assert done.channel == "discourse"


def test_without_a_public_thread_the_customer_is_told_by_email(ports: LoopPorts, mail: RecordingReplies) -> None:
    reddit = CaseOrigin(platform="reddit", post_id="t3_x", handle="u_dana")
    record_origin(opened(reddit), ports.store)
    (done,) = close_loop(closed(CASE, "dynamodb:r1", email="dana@globex.example"), ports, NOW)
    ((origin, text),) = mail.posted
    assert origin.email == "dana@globex.example"
    assert text.startswith("Hi u_dana,")
    assert (done.told, done.channel) == (True, "email")


def test_nobody_reachable_is_a_recorded_suppression_not_a_silence(ports: LoopPorts) -> None:
    record_origin(opened(CaseOrigin(platform="reddit", post_id="t3_x", handle="u_dana")), ports.store)
    (done,) = close_loop(closed(CASE, "dynamodb:r1"), ports, NOW)
    assert not done.told
    assert done.suppressed is not None
    assert done.suppressed.startswith("no_reply_channel")
    ledger = ports.ledger
    assert isinstance(ledger, InMemoryContactLedger)
    ((kept,),) = [ledger.suppressed]
    assert kept.reason == done.suppressed
    assert [e.kind for e in ledger.entries["prf_dana"]] == ["support"]  # nothing was sent


def test_a_refused_reply_is_suppressed_with_its_reason(ports: LoopPorts, x: RecordingReplies) -> None:
    x.fail = PermanentError("x refused: 403 reply not allowed")
    record_origin(opened(), ports.store)
    (done,) = close_loop(closed(), ports, NOW)
    assert not done.told
    assert done.suppressed == "reply_refused: x: x refused: 403 reply not allowed"


def test_a_passing_failure_is_retried_and_then_replies_once(ports: LoopPorts, x: RecordingReplies) -> None:
    record_origin(opened(), ports.store)
    x.fail = RetryableError("x rate limit")
    with pytest.raises(RetryableError):
        close_loop(closed(), ports, NOW)
    x.fail = None
    (done,) = close_loop(closed(), ports, NOW)  # the same delivery, retried by SQS
    assert done.told
    assert len(x.posted) == 1


REPORTS = [
    (ZENDESK, "zendesk:evt-1", None),  # Zendesk: the ticket the case is known as
    (ZENDESK, "zendesk:evt-2", None),  # Zendesk again: solved, then closed
    (CASE, "dynamodb:resolve-1", None),  # the built-in CRM's Resolve
    (RecordRef(system="hubspot", record_id="77"), "hubspot:1", CASE),  # a HubSpot ticket naming the case
    (RecordRef(system="intercom", record_id="c-9"), "intercom:1", CASE),
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(REPORTS), min_size=1, max_size=12))
def test_whatever_reports_arrive_in_whatever_order_the_customer_is_told_once(reports: list) -> None:  # type: ignore[type-arg]
    x = RecordingReplies("x")
    ports = LoopPorts(
        store=InMemoryLoopStore(),
        replies=ReplyRouter({"x": x}, None),
        ledger=InMemoryContactLedger(),
        texts=load_texts(),
    )
    record_origin(opened(), ports.store)
    emitted = [done for ticket, key, case in reports for done in close_loop(closed(ticket, key, case=case), ports, NOW)]
    assert len(x.posted) == 1
    assert {done.meta.event_key for done in emitted} == {"loop:dynamodb:case-5f2e"}
    assert len({done.model_dump_json() for done in emitted}) == 1  # a redelivery repeats the same Loop.Closed
    first_key = reports[0][1]
    assert len(emitted) == sum(1 for _, key, _ in reports if key == first_key)  # only the claimant emits
    ledger = ports.ledger
    assert isinstance(ledger, InMemoryContactLedger)
    assert [e.kind for e in ledger.entries["prf_dana"]] == ["support", "transactional"]
