"""SQS in moto at a cost that does not grow with the queue's depth per message (README, moto gaps).

moto keeps a queue as one list of messages, and several operations walk all of it per message:

- a receive re-reads the queue's retention period through ``get_queue_attributes``, which computes
  *every* attribute (three O(depth) counts) twice per attribute asked for, for each message
  returned: the retention period is read directly, and named attributes are computed once;
- a send computes every attribute to read ``ContentBasedDeduplication``: the flag is read alone;
- a delete walks the queue twice (is the handle known? then a copy without the message), for each
  entry of a ``DeleteMessageBatch``: one walk, stopping at the message (the oldest come first);
- the visible messages are found by reading the clock twice per message: once per call.

Each keeps moto's answers and errors; AWS needs none of them.

One more is a gap in moto's answers, not its cost: a receive checks that a message is visible and
then marks it received, with no lock between, so two concurrent receivers of one queue (an event
source mapping's concurrent batches) could both take it within its visibility timeout, which SQS
does not do. Receives of one queue scan it one at a time (:func:`receives_one_at_a_time`); a
long poll waits outside that lock.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from moto.core.utils import unix_time

__all__ = ["install"]

SetAttribute = Callable[[Any, str, Any], None]


def lean_sqs(set_attribute: SetAttribute = setattr) -> None:
    from moto.sqs.models import SQSBackend

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    original = SQSBackend.get_queue_attributes

    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        if not attribute_names or "All" in attribute_names:
            return original(self, queue_name, attribute_names)
        every = self.get_queue(queue_name).attributes  # once, not twice per name
        unknown = [name for name in attribute_names if name not in every]
        if unknown:
            return original(self, queue_name, attribute_names)  # moto's own error for an invalid name
        return {name: every[name] for name in attribute_names if every[name] is not None}

    set_attribute(SQSBackend, "is_message_valid_based_on_retention_period", is_message_valid_based_on_retention_period)
    set_attribute(SQSBackend, "get_queue_attributes", get_queue_attributes)
    deduplication_flag_read_directly(set_attribute)


_SENDING: ContextVar[bool] = ContextVar("talkworthy_moto_sending", default=False)


def deduplication_flag_read_directly(set_attribute: SetAttribute = setattr) -> None:
    """A send reads only ``ContentBasedDeduplication`` from ``Queue.attributes`` (which computes
    every attribute, three O(depth) counts among them): while a message is sent, the attributes are
    the flag alone, as moto would give it (a FIFO queue's "true"/"false"; a standard queue has none)."""
    from moto.sqs.models import Queue, SQSBackend

    every = getattr(Queue.attributes, "fget", None) or Queue.attributes
    every = getattr(every, "__wrapped__", every)

    @functools.wraps(every)
    def attributes(self: Any) -> dict[str, Any]:
        if not _SENDING.get():
            return every(self)
        return {"ContentBasedDeduplication": str(self.content_based_deduplication).lower()} if self.fifo_queue else {}

    def sending(operation: Callable[..., Any]) -> Callable[..., Any]:
        operation = getattr(operation, "__wrapped__", operation)

        @functools.wraps(operation)
        def while_sending(*args: Any, **kwargs: Any) -> Any:
            token = _SENDING.set(True)
            try:
                return operation(*args, **kwargs)
            finally:
                _SENDING.reset(token)

        return while_sending

    set_attribute(Queue, "attributes", property(attributes))
    set_attribute(SQSBackend, "_validate_message", sending(SQSBackend._validate_message))
    set_attribute(SQSBackend, "send_message", sending(SQSBackend.send_message))


def queue_walked_once(set_attribute: SetAttribute = setattr) -> None:
    from moto.sqs import models
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    def delete_message(self: Any, receipt_handle: str) -> None:
        if receipt_handle in self.deleted_messages:
            return  # already deleted: moto (and SQS) accept it again
        messages = self._messages
        index = next((i for i, m in enumerate(messages) if m.had_receipt_handle(receipt_handle)), None)
        if index is None:
            raise ReceiptHandleIsInvalid()
        message = messages[index]
        self.pending_messages.discard(message)
        self.deleted_messages.update(message.all_receipt_handles)
        self._messages = (
            messages[:index] + messages[index + 1 :]
        )  # a new list, as moto's: a receive may be walking the old one

    def visible_messages(self: Any) -> list[Any]:
        now = models.unix_time_millis()
        return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]

    set_attribute(models.Queue, "delete_message", delete_message)
    set_attribute(models.Queue, "messages", property(visible_messages))


def receives_one_at_a_time(set_attribute: SetAttribute = setattr) -> None:
    """One scan of a queue's visible messages at a time, per queue: moto's own scan, called without
    a wait (it then looks once and returns), under the queue's lock; a long poll waits for a message
    outside the lock (moto's own wait, up to a second at a time) and scans again, until its time is up."""
    from moto.sqs.models import SQSBackend

    scan = getattr(SQSBackend.receive_message, "__wrapped__", SQSBackend.receive_message)
    locks: dict[str, threading.Lock] = {}

    @functools.wraps(scan)
    def receive_message(
        self: Any,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> list[Any]:
        queue = self.get_queue(queue_name)
        lock = locks.setdefault(queue.queue_arn, threading.Lock())  # setdefault: one lock even when created at once
        polling_end = unix_time() + wait_seconds_timeout
        while True:
            with lock:
                result: list[Any] = scan(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            if result or not wait_seconds_timeout or unix_time() > polling_end:
                return result
            queue.wait_for_messages(1)

    set_attribute(SQSBackend, "receive_message", receive_message)


def install(set_attribute: SetAttribute = setattr) -> None:
    lean_sqs(set_attribute)
    queue_walked_once(set_attribute)
    receives_one_at_a_time(set_attribute)
