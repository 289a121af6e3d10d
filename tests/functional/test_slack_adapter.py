"""SlackChatAdapter over real HTTP: the real slack_sdk clients against the local Slack sink."""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient

from infra.local.slack_sink import SlackSink
from talkworthy.catalog import ActionRequested, EventMeta, Target
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.notify import MessageRef, SlackChatAdapter, render_slack, render_update
from talkworthy.notify.pacer import POST_INTERVAL, InMemoryChannelPacer, PacedChat

CHANNEL = "C0SOCIAL"
TOKEN = "xoxb-test"


@pytest.fixture
def sink() -> Iterator[SlackSink]:
    with SlackSink() as running:
        yield running


def _adapter(sink: SlackSink, token: str | None = TOKEN, **options: Any) -> SlackChatAdapter:
    return SlackChatAdapter(WebClient(token=token, base_url=sink.url + "/api/", timeout=5), **options)


def _request() -> ActionRequested:
    return ActionRequested(
        meta=EventMeta(
            event_key="k1",
            correlation_id="d1",
            producer="talkworthy.route",
            occurred_at=datetime(2024, 7, 2, tzinfo=UTC),
        ),
        channel="slack",
        audience=CHANNEL,
        headline="Negative mention from @alice",
        body="Crashes & burns <since> the update",
        facts={"who": "@alice", "sentiment": "negative"},
        target=Target(kind="mention", id="tw-1", system="twitter"),
        actions=["claim", "escalate", "dismiss"],
        link="https://x.com/alice/status/1",
    )


def test_post_stores_the_rendered_message(sink):
    text, blocks = render_slack(_request())
    ref = _adapter(sink).post(CHANNEL, text, blocks)

    [stored] = sink.messages()
    assert (stored["channel"], stored["ts"]) == (ref.channel, ref.ts)
    assert stored["text"] == text
    assert stored["blocks"] == blocks
    assert stored["updated"] is False


def test_a_thread_reply_and_a_direct_message_are_kept_as_slack_keeps_them(sink):
    from infra.local.outbox import Outbox, Person

    adapter = _adapter(sink)
    parent = adapter.post(CHANNEL, "the case", [])
    reply = adapter.post(CHANNEL, "Next step: call Dana", [], thread_ts=parent.ts)
    direct = adapter.post("U0JORDAN1", "You were brought in", [])

    assert direct.channel == "D0JORDAN1"  # the app's direct message with the user, as Slack answers
    stored = {m["ts"]: m for m in sink.messages()}
    assert stored[reply.ts]["thread_ts"] == parent.ts
    assert "thread_ts" not in stored[parent.ts]
    page = Outbox("http://ingress", "secret", [Person("U0JORDAN1", "Jordan Lee", "sales")]).fragment(
        sink.messages(), None
    )
    assert page.index("the case") < page.index('<div class="thread"><div class="thread-head">1 reply</div>')
    assert '<article class="reply"' in page  # a reply is not one of the channel's messages
    assert "Direct message: Jordan Lee" in page


def test_update_replaces_the_message_and_keeps_history(sink):
    adapter = _adapter(sink)
    text, blocks = render_slack(_request())
    ref = adapter.post(CHANNEL, text, blocks)
    adapter.update(ref, "Claimed", render_update(blocks, [("Claimed by", "U024BE7LH")], None))

    [stored] = sink.messages()
    assert stored["updated"] is True
    assert stored["text"] == "Claimed"
    assert stored["blocks"][-1]["elements"][0]["text"] == "Claimed by <@U024BE7LH>"
    assert stored["history"] == [{"text": text, "blocks": blocks}]


def test_update_of_an_unknown_message_is_permanent(sink):
    with pytest.raises(PermanentError, match="message_not_found"):
        _adapter(sink).update(MessageRef(CHANNEL, "1.000001"), "x", [])


def test_response_url_replaces_the_original_five_times_then_expires(sink):
    adapter = _adapter(sink)
    ref = adapter.post(CHANNEL, "hello", [])
    url = sink.response_url(ref.channel, ref.ts)

    for number in range(5):
        adapter.respond(url, f"reply {number}", [], replace_original=True)
    with pytest.raises(PermanentError, match="expired_url"):
        adapter.respond(url, "sixth", [], replace_original=True)

    [stored] = sink.messages()
    assert stored["text"] == "reply 4"
    assert len(stored["history"]) == 5


def test_response_url_without_replace_adds_an_ephemeral_message(sink):
    adapter = _adapter(sink)
    ref = adapter.post(CHANNEL, "hello", [])
    adapter.respond(sink.response_url(ref.channel, ref.ts), "Only you can see this", [], replace_original=False)

    original, reply = sink.messages()
    assert original["text"] == "hello"
    assert original["updated"] is False
    assert (reply["text"], reply["ephemeral"], reply["via"]) == (
        "Only you can see this",
        True,
        "response_url",
    )


def test_three_quick_posts_to_one_channel_are_all_stored_after_429s(sink):
    adapter = _adapter(sink)
    refs = [adapter.post(CHANNEL, f"message {n}", []) for n in range(3)]

    assert [m["text"] for m in sink.messages()] == ["message 0", "message 1", "message 2"]
    assert len({ref.ts for ref in refs}) == 3
    assert sink.rate_limited_count >= 1


def _rate_limited_counted() -> float:
    from aws_lambda_powertools import Metrics

    from talkworthy.notify.slack_retry import RATE_LIMITED_METRIC

    entry = Metrics(namespace="Talkworthy").metric_set.get(RATE_LIMITED_METRIC)
    return sum(entry["Value"]) if entry else 0


def test_every_429_slack_answered_is_counted_for_the_alarm(sink):
    from aws_lambda_powertools import Metrics

    Metrics(namespace="Talkworthy").clear_metrics()
    adapter = _adapter(sink)
    for n in range(3):
        adapter.post(CHANNEL, f"message {n}", [])

    assert sink.rate_limited_count >= 1
    assert _rate_limited_counted() == sink.rate_limited_count
    Metrics(namespace="Talkworthy").clear_metrics()


def test_a_long_retry_after_is_not_slept_through():
    slow = SlackSink(interval=30.0).start()
    try:
        adapter = _adapter(slow, max_retry_after=5.0)
        adapter.post(CHANNEL, "first", [])
        with pytest.raises(RetryableError) as caught:
            adapter.post(CHANNEL, "second", [])
    finally:
        slow.stop()
    assert caught.value.retry_after == pytest.approx(30.0)
    assert slow.rate_limited_count == 1


@pytest.mark.parametrize(("token", "error"), [("xoxb-wrong", "invalid_auth"), (None, "not_authed")])
def test_bad_or_missing_token_is_permanent(token, error):
    with SlackSink(tokens={"xoxb-test"}) as strict, pytest.raises(PermanentError, match=error):
        _adapter(strict, token=token).post(CHANNEL, "hi", [])


@pytest.mark.parametrize("channel", ["#Not A Channel", "nonsense"])
def test_unknown_channel_is_permanent(sink, channel):
    with pytest.raises(PermanentError, match="channel_not_found"):
        _adapter(sink).post(channel, "hi", [])


def test_blocks_beyond_slack_limits_are_rejected_like_slack_does(sink):
    button = {"type": "button", "action_id": "claim", "text": {"type": "plain_text", "text": "x" * 76}}
    with pytest.raises(PermanentError, match="invalid_blocks"):
        _adapter(sink).post(CHANNEL, "hi", [{"type": "actions", "elements": [button]}])


def test_server_errors_are_retryable(sink, monkeypatch):
    monkeypatch.setattr(sink, "handle", lambda *_: (500, {}, {"ok": False, "error": "internal_error"}))
    with pytest.raises(RetryableError):
        _adapter(sink).post(CHANNEL, "hi", [])


def test_an_unreachable_slack_is_retryable():
    with SlackSink() as gone:
        url = gone.url
    adapter = SlackChatAdapter(WebClient(token="xoxb-test", base_url=url + "/api/", timeout=2))
    with pytest.raises(RetryableError, match="unreachable"):
        adapter.post(CHANNEL, "hi", [])


def _sink_http(url: str, method: str = "GET") -> Any:
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (a 127.0.0.1 sink)
        return json.load(response)


def test_sink_http_inspection_and_reset(sink):
    _adapter(sink).post(CHANNEL, "hi", [])
    assert [m["text"] for m in _sink_http(sink.url + "/_sink/messages")] == ["hi"]
    assert _sink_http(sink.url + "/_sink/reset", "POST") == {"ok": True}
    assert sink.messages() == []
    assert sink.rate_limited_count == 0


def test_stop_releases_the_port():
    sink = SlackSink().start()
    port = int(sink.url.rsplit(":", 1)[1])
    sink.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_injected_slack_faults_are_retryable_and_end_when_turned_off(tmp_path):
    import os

    from infra.local.faults import Faults

    plan = tmp_path / "faults.yaml"
    plan.write_text("slack: {error_500: 1.0}\n")
    faults = Faults(plan)
    with SlackSink(faults=faults) as faulty:
        adapter = _adapter(faulty)
        with pytest.raises(RetryableError, match="internal_error"):
            adapter.post(CHANNEL, "during the outage", [])
        plan.write_text("slack: {error_429: 1.0, retry_after_seconds: 0}\n")
        os.utime(plan, (plan.stat().st_atime, plan.stat().st_mtime + 1))
        faults._checked = 0.0
        with pytest.raises(RetryableError) as limited:
            adapter.post(CHANNEL, "while limited", [])
        assert limited.value.retry_after == 0.0  # the Retry-After Slack gave
        assert faulty.rate_limited_count == 4  # the 429 retried in place three times, then given up
        plan.write_text("enabled: false\n")
        os.utime(plan, (plan.stat().st_atime, plan.stat().st_mtime + 2))
        faults._checked = 0.0
        adapter.post(CHANNEL, "after", [])
        assert [m["text"] for m in faulty.messages()] == ["after"]  # nothing stored while failing
    assert faults.injected["slack_500"] >= 1
    assert faults.injected["slack_429"] == 4


def test_paced_posts_from_concurrent_senders_meet_a_strict_one_per_second_limit(sink):
    """Six senders post to one channel at once through the pacer; the sink allows one per second
    exactly (no burst). Slots a bare second apart arrive a few milliseconds closer now and then and
    are refused, and the in-place retry lands on the next slot (with 1.0 here, most posts see a 429)."""
    paced = PacedChat(_adapter(sink), InMemoryChannelPacer(POST_INTERVAL), max_wait=10.0)
    failures: list[str] = []

    def post(n: int) -> None:
        try:
            paced.post(CHANNEL, f"post {n}", [])
        except RetryableError as err:
            failures.append(str(err))

    senders = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()

    assert failures == []
    assert sorted(m["text"] for m in sink.messages()) == [f"post {n}" for n in range(6)]
    assert sink.rate_limited_count == 0
