"""Where notify puts a message: the target's own, a reply in its thread, a copy elsewhere, an update of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talkworthy.catalog import ActionCompleted, ActionRequested, Actor, EventMeta, Target
from talkworthy.consumer import Arrival
from talkworthy.errors import RetryableError
from talkworthy.idempotency import InMemoryOnce
from talkworthy.notify import ActionLinkSigner, RecordingChat, RecordingEmail
from talkworthy.notify.messages import InMemorySentMessages
from talkworthy.usecases.notify import send_notification
from talkworthy.usecases.show_outcome import show_outcome

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CASE = Target(kind="case", id="TW-1", system="dynamodb")


def _request(key: str, placement: str, audience: str = "#customer-care", **extra: object) -> ActionRequested:
    return ActionRequested(
        meta=EventMeta(event_key=key, correlation_id="c", producer="talkworthy.cases", occurred_at=NOW),
        channel="slack",
        audience=audience,
        headline=f"headline {key}",
        body="",
        target=extra.pop("target", CASE),
        actions=extra.pop("actions", []),
        placement=placement,
    )


class Notify:
    def __init__(self) -> None:
        self.chat, self.messages, self.once = RecordingChat(), InMemorySentMessages(), InMemoryOnce()

    def send(self, request: ActionRequested) -> str | None:
        return send_notification(
            request,
            Arrival(event_id=request.meta.event_key, replay_name=None, receive_count=1),
            chat=self.chat,
            email=RecordingEmail(),
            links=ActionLinkSigner([b"k" * 32], ttl_seconds=3600),
            links_base_url="https://tw.example",
            once=self.once,
            messages=self.messages,
            now=NOW.timestamp(),
        )


def test_thread_replies_and_copies_never_become_the_targets_message() -> None:
    notify = Notify()
    home = notify.send(_request("case", "message", actions=["claim"]))
    header = notify.send(_request("file", "thread", actions=["bring_in"]))
    notify.send(_request("dm", "copy", audience="U0JORDAN1"))
    later = notify.send(_request("step", "thread", target=CASE.model_copy(update={"related": "s-1"})))
    posts = notify.chat.posts
    assert [(p.channel, p.thread_ts) for p in posts] == [
        ("#customer-care", None),
        ("#customer-care", home.split(":")[1]),  # type: ignore[union-attr]
        ("U0JORDAN1", None),
        ("#customer-care", home.split(":")[1]),  # type: ignore[union-attr]
    ]
    assert notify.messages.of_target(CASE).ref == home  # type: ignore[union-attr]
    assert later != header

    # a click on the thread's header updates that reply, and the case's message stays the one found
    done = ActionCompleted(
        meta=EventMeta(event_key="done", correlation_id="c", producer="talkworthy.cases", occurred_at=NOW),
        action="bring_in",
        outcome="done",
        note="Alice Moreau brought in Jordan Lee",
        actor=Actor(id="U0ALICE01", via="slack"),
        target=CASE,
        at=NOW,
        message_ref=header,
    )
    show_outcome(done, chat=notify.chat, messages=notify.messages, email=RecordingEmail())
    assert notify.chat.updates[-1].ref is not None
    assert str(notify.chat.updates[-1].ref) == header
    assert notify.messages.of_target(CASE).ref == home  # type: ignore[union-attr]
    assert notify.messages.get(header).actions == ["bring_in"]  # type: ignore[union-attr]  # repeatable


def test_a_thread_reply_waits_for_the_message_it_belongs_under() -> None:
    notify = Notify()
    with pytest.raises(RetryableError):
        notify.send(_request("file", "thread"))
    assert notify.chat.posts == []
    notify.send(_request("case", "message", actions=["claim"]))
    assert notify.send(_request("file", "thread")) is not None  # the retry finds it and posts once


def test_an_update_notes_the_headline_on_the_targets_message_once_and_keeps_only_its_actions() -> None:
    notify = Notify()
    home = notify.send(_request("case", "message", actions=["claim", "escalate"]))
    notify.send(_request("goal-met", "update", actions=[]))
    [update] = notify.chat.updates
    assert str(update.ref) == home
    assert "headline goal-met" in str(update.blocks)
    assert not any(block["type"] == "actions" for block in update.blocks)
    notify.once = InMemoryOnce()  # even past the send-once guard, the note is not added twice
    notify.send(_request("goal-met", "update", actions=[]))
    assert str(notify.chat.updates[-1].blocks).count("headline goal-met") == 1


def test_a_thread_reply_for_a_target_folded_into_an_incident_digest_posts_nothing_and_is_not_retried() -> None:
    notify = Notify()
    with pytest.raises(RetryableError):  # not posted yet, not folded: wait for the case's message
        notify.send(_request("early", "thread"))
    notify.messages.fold(CASE, "surge-1")  # the case's notification became a line in the digest
    assert notify.send(_request("file", "thread", actions=["bring_in"])) is None
    assert notify.send(_request("goal", "update")) is None
    assert notify.chat.posts == []
