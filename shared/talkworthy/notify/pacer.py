"""Slack takes about one message per second per channel: pace posts across all containers.

A reservation hands out the next free slot of a channel, :data:`POST_INTERVAL` apart: Slack's
second plus a margin, because posts reserved exactly a second apart arrive a few milliseconds
closer now and then, a limiter counting one per second answers 429, and slack_sdk's retry after
``Retry-After`` lands on the next post's slot, which is refused in turn. Slots live in DynamoDB so
every concurrent Lambda container shares them; :class:`PacedChat` sleeps until its slot and then
posts. Nothing is dropped: when the queue for a channel reaches further than ``max_wait``, no slot
is taken and :class:`PacerBusyError` (a :class:`RetryableError`) sends the SQS message back for
later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final, Protocol

from talkworthy import keys
from talkworthy.dynamo import Table, conditional, write_or_current
from talkworthy.errors import RetryableError
from talkworthy.notify.slack import Block, ChatPort, MessageRef

__all__ = [
    "POST_INTERVAL",
    "ChannelPacer",
    "DynamoDbChannelPacer",
    "InMemoryChannelPacer",
    "PacedChat",
    "PacerBusyError",
]

POST_INTERVAL: Final = 1.05
"""Seconds between two posts to one channel: Slack's one per second, plus 50 ms for the jitter
between reserving a slot and Slack receiving the post."""


class PacerBusyError(RetryableError):
    """The channel is booked beyond the horizon; nothing was reserved. Retry after ``retry_after``."""


class ChannelPacer(Protocol):
    def reserve(self, channel: str, now: float, *, horizon: float | None = None) -> float:
        """The epoch time at which this caller may post to ``channel`` (``>= now``).

        Two reservations for one channel are always at least ``interval`` apart. With a
        ``horizon``, a slot later than ``now + horizon`` is not taken: :class:`PacerBusyError`.
        """
        ...


def _busy(channel: str, next_at: float, now: float) -> PacerBusyError:
    wait = next_at - now
    return PacerBusyError(f"channel {channel} is booked for the next {wait:.1f}s", retry_after=wait)


class InMemoryChannelPacer:
    """One process only: for tests and for a single local runtime."""

    def __init__(self, interval: float = POST_INTERVAL) -> None:
        self.interval = interval
        self._next_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, channel: str, now: float, *, horizon: float | None = None) -> float:
        with self._lock:
            slot = max(now, self._next_at.get(channel, now))
            if horizon is not None and slot - now > horizon:
                raise _busy(channel, slot, now)
            self._next_at[channel] = slot + self.interval
            return slot


def _num(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


class DynamoDbChannelPacer:
    """Slots in the mesh table: item ``pk="PACE#<channel>", sk="PACE"`` with ``next_at``.

    One round trip when the channel is idle, and one when it is busy and this pacer last saw it
    busy; no read-then-write race:
    1. ``SET next_at = now + interval`` if the item is absent or ``next_at <= now`` → slot ``now``;
    2. else ``SET next_at = next_at + interval`` if ``now < next_at <= now + horizon``; DynamoDB
       applies updates to one item one at a time, so concurrent callers get distinct slots;
    3. if 2 fails, either the channel went idle in between (start again) or it is booked beyond
       the horizon (raise :class:`PacerBusyError`, nothing taken).
    Each write is conditional on what it assumes, so the order only decides how many round trips
    a slot costs: when the last ``next_at`` this pacer saw for the channel is still ahead of
    ``now`` (posts queue up behind each other), 2 is tried first and 1 only if it finds the channel
    idle. ``expires_at`` (the table's TTL attribute) is set ``ttl_seconds`` past the furthest slot
    the item may hold, so an idle channel's item disappears on its own.
    """

    def __init__(self, table: Table, interval: float = POST_INTERVAL, *, ttl_seconds: int = 300, max_attempts: int = 5):
        self._table = table
        self.interval = interval
        self._ttl_seconds = ttl_seconds
        self._max_attempts = max_attempts
        self._booked_until: dict[str, float] = {}  # channel → the latest next_at seen: a hint, never trusted

    def reserve(self, channel: str, now: float, *, horizon: float | None = None) -> float:
        key = keys.pace(channel)
        expires_at = int(now + (horizon or 0.0) + self.interval) + self._ttl_seconds
        for _ in range(self._max_attempts):
            slot = self._reserve_once(key, now, horizon, expires_at, channel)
            if slot is not None:
                return slot
        raise RetryableError(f"pacer for {channel}: still contended after {self._max_attempts} attempts")

    def _reserve_once(
        self, key: dict[str, str], now: float, horizon: float | None, expires_at: int, channel: str
    ) -> float | None:
        if self._booked_until.get(channel, now) > now:
            slot = self._queue(key, now, horizon, expires_at, channel)
            if slot is not None:
                return slot
        idle = conditional(
            self._table.update_item,
            Key=key,
            UpdateExpression="SET next_at = :next, expires_at = :exp",
            ConditionExpression="attribute_not_exists(next_at) OR next_at <= :now",
            ExpressionAttributeValues={":next": _num(now + self.interval), ":now": _num(now), ":exp": expires_at},
        )
        if idle:
            self._booked_until[channel] = now + self.interval
            return now
        return self._queue(key, now, horizon, expires_at, channel)

    def _queue(
        self, key: dict[str, str], now: float, horizon: float | None, expires_at: int, channel: str
    ) -> float | None:
        """The slot after the channel's last (2 above); ``None`` when the channel is idle (or expired)."""
        condition = "next_at > :now" + (" AND next_at <= :limit" if horizon is not None else "")
        values: dict[str, Any] = {":step": _num(self.interval), ":now": _num(now), ":exp": expires_at}
        if horizon is not None:
            values[":limit"] = _num(now + horizon)
        written, item = write_or_current(
            self._table.update_item,
            Key=key,
            UpdateExpression="SET next_at = next_at + :step, expires_at = :exp",
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
            ReturnValues="UPDATED_NEW",
        )
        if written:
            assert item is not None  # UPDATED_NEW of an update that set next_at
            self._booked_until[channel] = float(item["next_at"])
            return float(item["next_at"] - _num(self.interval))
        if item is not None and "next_at" in item and float(item["next_at"]) > now:
            self._booked_until[channel] = float(item["next_at"])
            raise _busy(channel, float(item["next_at"]), now)
        self._booked_until.pop(channel, None)
        return None  # idle (or expired): step 1 takes it


class PacedChat:
    """A :class:`ChatPort` whose posts wait for their channel's slot; updates and responses pass.

    Slack's one-per-second limit is on posting; ``chat.update`` and response URLs have their own,
    looser limits and are not paced here.
    """

    def __init__(
        self,
        chat: ChatPort,
        pacer: ChannelPacer,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chat = chat
        self._pacer = pacer
        self._sleep = sleep
        self._max_wait = max_wait
        self._clock = clock

    def post(self, channel: str, text: str, blocks: Sequence[Block], thread_ts: str | None = None) -> MessageRef:
        now = self._clock()
        slot = self._pacer.reserve(channel, now, horizon=self._max_wait)
        if slot - now > self._max_wait:  # a pacer that ignores the horizon
            raise _busy(channel, slot, now)
        wait = slot - self._clock()
        if wait > 0:
            self._sleep(wait)
        return self._chat.post(channel, text, blocks, thread_ts)

    def update(self, ref: MessageRef, text: str, blocks: Sequence[Block]) -> None:
        self._chat.update(ref, text, blocks)

    def respond(self, response_url: str, text: str, blocks: Sequence[Block], replace_original: bool) -> None:
        self._chat.respond(response_url, text, blocks, replace_original)

    def open_view(self, trigger_id: str, view: Block) -> None:
        self._chat.open_view(trigger_id, view)
