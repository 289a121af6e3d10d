"""slack_sdk retry handlers for the adapter. Imports slack_sdk, so only ``slack.py`` loads it, lazily."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

__all__ = ["RATE_LIMITED_METRIC", "BoundedRateLimitRetryHandler", "install", "retry_after_seconds", "webhook_handlers"]

RATE_LIMITED_METRIC = "SlackRateLimited"
"""Counted once per 429 Slack answered (retried in place or not), in the calling context's metric
set (Powertools shares it across instances; the handler's ``log_metrics`` flushes it); alarmed by
``SlackRateLimitedAlarm``."""


def retry_after_seconds(headers: Mapping[str, object]) -> float | None:
    """``Retry-After`` in seconds from a header mapping (values may be strings or lists)."""
    for name, value in headers.items():
        if name.lower() != "retry-after":
            continue
        raw = value[0] if isinstance(value, Sequence) and not isinstance(value, str) and value else value
        try:
            return max(0.0, float(str(raw)))
        except ValueError:
            return None
    return None


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (sleeps ``Retry-After``), but gives up when the wait is long.

    A Lambda should not sleep through a long ``Retry-After``; the adapter turns the final 429
    into :class:`RetryableError` with ``retry_after`` and SQS brings the message back later.
    """

    def __init__(self, max_retry_count: int, max_retry_after: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_retry_after = max_retry_after

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            from aws_lambda_powertools import Metrics

            Metrics().add_metric(name=RATE_LIMITED_METRIC, unit="Count", value=1)
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None  # the parent only retries a response with status 429
        wait = retry_after_seconds(response.headers)
        return wait is None or wait <= self.max_retry_after


def install(handlers: list[RetryHandler], max_retries: int, max_retry_after: float) -> list[RetryHandler]:
    """``handlers`` without any other 429 handler, plus ours (idempotent for a reused client)."""
    kept = [handler for handler in handlers if not isinstance(handler, RateLimitErrorRetryHandler)]
    return [*kept, BoundedRateLimitRetryHandler(max_retries, max_retry_after)]


def webhook_handlers(max_retries: int, max_retry_after: float) -> list[RetryHandler]:
    return install([ConnectionErrorRetryHandler()], max_retries, max_retry_after)
