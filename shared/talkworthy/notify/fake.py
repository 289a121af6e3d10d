"""In-memory fakes of the chat and e-mail ports, recording what they were asked to do."""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from talkworthy.notify.slack import Block, MessageRef

__all__ = ["ChatCall", "RecordingChat", "RecordingEmail", "SentEmail"]


@dataclass(frozen=True)
class ChatCall:
    """One call on :class:`RecordingChat`: ``kind`` is ``post``, ``update``, ``respond`` or ``view``."""

    kind: str
    text: str
    blocks: list[Block]
    channel: str | None = None
    ref: MessageRef | None = None
    response_url: str | None = None
    replace_original: bool | None = None
    trigger_id: str | None = None
    view: Block | None = None
    thread_ts: str | None = None


@dataclass
class RecordingChat:
    """A :class:`ChatPort` that remembers every call; queue exceptions in ``fail_next`` to fail."""

    calls: list[ChatCall] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)
    _counter: int = field(default=0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def posts(self) -> list[ChatCall]:
        return [call for call in self.calls if call.kind == "post"]

    @property
    def updates(self) -> list[ChatCall]:
        return [call for call in self.calls if call.kind == "update"]

    @property
    def views(self) -> list[ChatCall]:
        return [call for call in self.calls if call.kind == "view"]

    @property
    def responses(self) -> list[ChatCall]:
        return [call for call in self.calls if call.kind == "respond"]

    def _record(self, call: ChatCall) -> int:
        with self._lock:
            if self.fail_next:
                raise self.fail_next.pop(0)
            self.calls.append(call)
            self._counter += 1
            return self._counter

    def post(self, channel: str, text: str, blocks: Sequence[Block], thread_ts: str | None = None) -> MessageRef:
        number = self._record(ChatCall("post", text, _copy(blocks), channel=channel, thread_ts=thread_ts))
        return MessageRef(channel=channel, ts=f"1700000000.{number:06d}")

    def update(self, ref: MessageRef, text: str, blocks: Sequence[Block]) -> None:
        self._record(ChatCall("update", text, _copy(blocks), channel=ref.channel, ref=ref))

    def respond(self, response_url: str, text: str, blocks: Sequence[Block], replace_original: bool) -> None:
        self._record(
            ChatCall("respond", text, _copy(blocks), response_url=response_url, replace_original=replace_original)
        )

    def open_view(self, trigger_id: str, view: Block) -> None:
        self._record(ChatCall("view", "", [], trigger_id=trigger_id, view=copy.deepcopy(dict(view))))


@dataclass(frozen=True)
class SentEmail:
    to: str
    subject: str
    text: str
    html: str
    message_id: str


@dataclass
class RecordingEmail:
    """An :class:`EmailPort` that remembers every message; queue exceptions in ``fail_next``."""

    sent: list[SentEmail] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)

    def send(self, to: str, subject: str, text: str, html: str) -> str:
        if self.fail_next:
            raise self.fail_next.pop(0)
        message_id = f"fake-{len(self.sent) + 1:06d}"
        self.sent.append(SentEmail(to, subject, text, html, message_id))
        return message_id


def _copy(blocks: Sequence[Block]) -> list[Block]:
    return [copy.deepcopy(dict(block)) for block in blocks]
