"""The one EventBridge publisher. Nothing else calls ``put_events``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from talkworthy.catalog.base import Detail
from talkworthy.errors import InvalidInputError, PublishError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
else:
    EventBridgeClient = Any

__all__ = ["MAX_BATCH", "MAX_ENTRY_BYTES", "EventBridgePublisher", "EventPublisher", "InMemoryPublisher"]

MAX_BATCH = 10
MAX_ENTRY_BYTES = 256 * 1024


class EventPublisher(Protocol):
    def publish(self, details: Sequence[Detail]) -> None: ...


def _entry_size(entry: dict[str, Any]) -> int:
    """EventBridge's own accounting: Time counts 14 bytes, the rest their UTF-8 bytes."""
    size = 14
    for key in ("Source", "DetailType", "Detail"):
        size += len(entry[key].encode())
    return size


class EventBridgePublisher:
    """Puts details on one bus in batches of 10, retrying only the entries that failed.

    ``FailedEntryCount`` > 0 is not an exception in boto3; the failed entries are sent again with
    exponential backoff and, if some still fail after ``max_attempts``, :class:`PublishError` names
    them.
    """

    def __init__(
        self,
        client: EventBridgeClient,
        bus_name: str,
        *,
        max_attempts: int = 4,
        base_delay: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._bus_name = bus_name
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._sleep = sleep

    def publish(self, details: Sequence[Detail]) -> None:
        entries = [self._entry(detail) for detail in details]
        for start in range(0, len(entries), MAX_BATCH):
            self._put(entries[start : start + MAX_BATCH])

    def _entry(self, detail: Detail) -> dict[str, Any]:
        entry = {
            "EventBusName": self._bus_name,
            "Source": detail.meta.producer,
            "DetailType": detail.DETAIL_TYPE,
            "Detail": detail.model_dump_json(),
            "Time": detail.meta.occurred_at,
        }
        if _entry_size(entry) > MAX_ENTRY_BYTES:
            raise InvalidInputError(
                f"{detail.DETAIL_TYPE} {detail.meta.event_key} is larger than {MAX_ENTRY_BYTES} bytes"
            )
        return entry

    def _put(self, pending: list[dict[str, Any]]) -> None:
        failures: list[dict[str, str]] = []
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._base_delay * 2 ** (attempt - 1))
            response = self._client.put_events(Entries=pending)
            if not response.get("FailedEntryCount"):
                return
            retry: list[dict[str, Any]] = []
            failures = []
            for entry, result in zip(pending, response["Entries"], strict=True):
                if "ErrorCode" in result:
                    retry.append(entry)
                    failures.append(
                        {
                            "detail_type": entry["DetailType"],
                            "code": result["ErrorCode"],
                            "message": result.get("ErrorMessage", ""),
                        }
                    )
            pending = retry
        raise PublishError(f"{len(pending)} event(s) not accepted by the bus", failures)


class InMemoryPublisher:
    """A fake for unit tests: records what was published, in order."""

    def __init__(self) -> None:
        self.published: list[Detail] = []

    def publish(self, details: Sequence[Detail]) -> None:
        self.published.extend(details)

    def of_type(self, model: type[Detail]) -> list[Any]:
        return [d for d in self.published if isinstance(d, model)]
