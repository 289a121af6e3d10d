from __future__ import annotations

import threading

import pytest

from talkworthy.errors import RetryableError
from talkworthy.notify import InMemoryChannelPacer, MessageRef, PacedChat, PacerBusyError, RecordingChat

T0 = 1_700_000_000.0


class FakeClock:
    """Time that only moves when someone sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = T0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TimedChat(RecordingChat):
    """Records the clock at each post."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.posted_at: list[tuple[str, float]] = []

    def post(self, channel, text, blocks, thread_ts=None):
        self.posted_at.append((channel, self.clock()))
        return super().post(channel, text, blocks)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def chat(clock) -> TimedChat:
    return TimedChat(clock)


@pytest.fixture
def paced(chat, clock) -> PacedChat:
    return PacedChat(chat, InMemoryChannelPacer(interval=1.0), sleep=clock.sleep, max_wait=10.0, clock=clock)


def test_pacer_slots_one_channel_one_second_apart_and_channels_independently():
    pacer = InMemoryChannelPacer(interval=1.0)
    assert [pacer.reserve("C1", T0) for _ in range(3)] == [T0, T0 + 1, T0 + 2]
    assert pacer.reserve("C2", T0) == T0
    assert pacer.reserve("C1", T0 + 10) == T0 + 10


def test_pacer_beyond_horizon_takes_nothing():
    pacer = InMemoryChannelPacer(interval=1.0)
    for _ in range(3):
        pacer.reserve("C1", T0, horizon=2.0)
    with pytest.raises(PacerBusyError) as caught:
        pacer.reserve("C1", T0, horizon=2.0)
    assert caught.value.retry_after == pytest.approx(3.0)
    assert pacer.reserve("C1", T0 + 0.5, horizon=2.5) == T0 + 3  # the refused call did not take T0 + 3


def test_concurrent_reservations_never_share_a_slot():
    pacer = InMemoryChannelPacer(interval=1.0)
    slots: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        slot = pacer.reserve("C1", T0)
        with lock:
            slots.append(slot)

    threads = [threading.Thread(target=reserve) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slots) == [T0 + n for n in range(50)]


def test_two_posts_to_one_channel_are_at_least_a_second_apart(paced, chat, clock):
    paced.post("C1", "one", [])
    paced.post("C1", "two", [])

    (_, first), (_, second) = chat.posted_at
    assert second - first >= 1.0
    assert [call.text for call in chat.posts] == ["one", "two"]


def test_different_channels_are_not_delayed(paced, chat, clock):
    for channel in ("C1", "C2", "C3"):
        paced.post(channel, "hi", [])
    assert clock.sleeps == []
    assert {at for _, at in chat.posted_at} == {T0}


def test_a_slot_beyond_max_wait_is_retryable_and_posts_nothing(chat, clock):
    pacer = InMemoryChannelPacer(interval=1.0)
    for _ in range(12):
        pacer.reserve("C1", T0)
    paced = PacedChat(chat, pacer, sleep=clock.sleep, max_wait=10.0, clock=clock)

    with pytest.raises(RetryableError) as caught:
        paced.post("C1", "later", [])
    assert caught.value.retry_after == pytest.approx(12.0)
    assert chat.posts == []
    assert clock.sleeps == []


def test_a_burst_from_many_containers_is_queued_and_retried_never_dropped():
    """30 messages arrive at once, one container each; those beyond max_wait come back later (as SQS
    would redeliver them) until every one is sent, each in its own slot."""
    now = [T0]
    waits: list[float] = []
    chat = RecordingChat()
    paced = PacedChat(chat, InMemoryChannelPacer(interval=1.0), sleep=waits.append, max_wait=10.0, clock=lambda: now[0])
    pending = [f"m{n}" for n in range(30)]
    posted_at: list[float] = []
    retries = 0
    for _ in range(10):  # rounds of redelivery
        retry_after: list[float] = []
        for text in list(pending):  # concurrently: the clock does not move within a round
            waits.clear()
            try:
                paced.post("C1", text, [])
            except RetryableError as err:
                retries += 1
                retry_after.append(err.retry_after or 1.0)
                continue
            posted_at.append(now[0] + sum(waits))
            pending.remove(text)
        if not pending:
            break
        now[0] += min(retry_after)

    assert pending == []
    assert sorted(call.text for call in chat.posts) == sorted(f"m{n}" for n in range(30))
    assert retries >= 19
    assert sorted(posted_at) == [T0 + n for n in range(30)]


def test_updates_and_responses_pass_straight_through(paced, chat, clock):
    ref = MessageRef("C1", "1.000001")
    paced.update(ref, "done", [])
    paced.respond("https://sink/response/x", "ok", [], replace_original=True)
    assert [call.kind for call in chat.calls] == ["update", "respond"]
    assert chat.calls[1].replace_original is True
    assert clock.sleeps == []


def test_a_pacer_ignoring_the_horizon_is_still_bounded(chat, clock):
    class Careless:
        def reserve(self, channel, now, *, horizon=None):
            return now + 60

    with pytest.raises(RetryableError):
        PacedChat(chat, Careless(), sleep=clock.sleep, max_wait=10.0, clock=clock).post("C1", "x", [])
    assert chat.posts == []
