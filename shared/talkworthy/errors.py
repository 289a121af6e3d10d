"""The one error hierarchy. Adapters translate vendor errors into these with ``raise ... from err``."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigurationError",
    "InvalidInputError",
    "PermanentError",
    "PublishError",
    "RetryableError",
    "TalkworthyError",
]


class TalkworthyError(Exception):
    """Base of every error Talkworthy raises on purpose."""


class ConfigurationError(TalkworthyError):
    """Settings or wiring are wrong; fails at cold start with a clear message."""


class InvalidInputError(TalkworthyError):
    """Input that can never succeed (bad payload, unknown reference). Not retried: a consumer parks
    the event in its DLQ at once, with this error as the reason."""


class PermanentError(TalkworthyError):
    """An outside system refused for good (4xx other than 408/409/429). Not retried: parked in the
    consumer's DLQ at once, with the reason."""


class RetryableError(TalkworthyError):
    """A passing failure (throttled, timed out, 5xx). The event comes back after ``retry_after``
    seconds (the record's visibility timeout is set to it), or after the queue's visibility
    timeout; after ``maxReceiveCount`` receives SQS moves it to the DLQ."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PublishError(RetryableError):
    """Some events could not be put on the bus after retries."""

    def __init__(self, message: str, failed: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.failed = failed
