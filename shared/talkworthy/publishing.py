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

__all__ = [
    "MAX_BATCH",
    "MAX_ENTRY_BYTES",
    "EventBridgePublisher",
    "EventPublisher",
    "InMemoryPublisher",
    "check_size",
]

MAX_BATCH = 10
MAX_ENTRY_BYTES = 256 * 1024


class EventPublisher(Protocol):
    def publish(self, details: Sequence[Detail]) -> None:
        """Put every detail on the bus, or raise :class:`PublishError` naming (by index) those that failed."""


def check_size(detail: Detail) -> str:
    """The detail's JSON; :class:`InvalidInputError` if its entry would exceed EventBridge's limit.

    EventBridge's own accounting: Time counts 14 bytes; Source, DetailType and Detail their UTF-8 bytes.
    """
    body = detail.model_dump_json()
    size = 14 + len(detail.meta.producer.encode()) + len(detail.DETAIL_TYPE.encode()) + len(body.encode())
    if size > MAX_ENTRY_BYTES:
        raise InvalidInputError(f"{detail.DETAIL_TYPE} {detail.meta.event_key} is larger than {MAX_ENTRY_BYTES} bytes")
    return body


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
        """Every entry is checked for size before any is put, so an oversized one publishes nothing."""
        entries = [self._entry(detail) for detail in details]
        failures: list[dict[str, Any]] = []
        for start in range(0, len(entries), MAX_BATCH):
            failures += self._put(list(enumerate(entries))[start : start + MAX_BATCH])
        if failures:
            raise PublishError(f"{len(failures)} event(s) not accepted by the bus", failures)

    def _entry(self, detail: Detail) -> dict[str, Any]:
        return {
            "EventBusName": self._bus_name,
            "Source": detail.meta.producer,
            "DetailType": detail.DETAIL_TYPE,
            "Detail": check_size(detail),
            "Time": detail.meta.occurred_at,
        }

    def _put(self, pending: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Failures that remain after the retries, each with the detail's ``index`` in ``publish``."""
        failures: list[dict[str, Any]] = []
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._base_delay * 2 ** (attempt - 1))
            response = self._client.put_events(Entries=[entry for _, entry in pending])
            if not response.get("FailedEntryCount"):
                return []
            retry: list[tuple[int, dict[str, Any]]] = []
            failures = []
            for (index, entry), result in zip(pending, response["Entries"], strict=True):
                if "ErrorCode" in result:
                    retry.append((index, entry))
                    failures.append(
                        {
                            "index": index,
                            "detail_type": entry["DetailType"],
                            "code": result["ErrorCode"],
                            "message": result.get("ErrorMessage", ""),
                        }
                    )
            pending = retry
        return failures


class InMemoryPublisher:
    """A fake for unit tests: records what was published, in order."""

    def __init__(self) -> None:
        self.published: list[Detail] = []

    def publish(self, details: Sequence[Detail]) -> None:
        self.published.extend(details)

    def of_type(self, model: type[Detail]) -> list[Any]:
        return [d for d in self.published if isinstance(d, model)]
