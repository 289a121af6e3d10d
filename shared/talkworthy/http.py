"""The one HTTP helper behind every vendor adapter: timeouts, bounded retries, error translation.

Why a loop and not ``urllib3.util.Retry`` mounted on an ``HTTPAdapter``: Retry sleeps with
``time.sleep`` (tests would sleep), waits out any ``Retry-After`` the server sends (a 429 asking for
an hour would hold a Lambda for an hour instead of handing the message back to SQS) and, once
exhausted, raises ``MaxRetryError`` without the ``Retry-After`` the caller needs. So this loop
decides and sleeps (through an injectable function, within a total budget), and urllib3 still
parses ``Retry-After`` (delta-seconds or HTTP-date) via ``Retry.parse_retry_after``.

Every request is retried on 5xx/408/409/425/429 and on connection errors; adapters only send
requests that are idempotent by construction (reads, searches, upserts on a unique key, creates
carrying an ``Idempotency-Key``). Pass ``idempotent=False`` for anything else: it is then retried
only when the request provably never left (connect timeouts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util.retry import Retry

from talkworthy.errors import PermanentError, RetryableError

__all__ = ["RETRYABLE_STATUSES", "HttpClient", "RetryPolicy"]

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_RETRY_AFTER = Retry(retry_after_max=24 * 3600)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 4.0
    max_total_sleep: float = 10.0

    def backoff_for(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return _RETRY_AFTER.parse_retry_after(value)
    except InvalidHeader:
        return None


def _without_query(url: str) -> str:
    """Query strings carry e-mail addresses and SOQL: keep them out of error messages and logs."""
    return urlsplit(url)._replace(query="", fragment="").geturl()


def _describe(response: requests.Response) -> str:
    body = response.text[:300].replace("\n", " ")
    return f"{response.request.method} {_without_query(response.url)} -> {response.status_code}: {body}"


class HttpClient:
    """A ``requests.Session`` with a timeout on every call and the retry policy above."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        timeout: tuple[float, float] = (3.05, 10.0),
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "talkworthy-crm/0.1",
    ) -> None:
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = user_agent
        self._session = session
        self._timeout = timeout
        self._policy = policy or RetryPolicy()
        self._sleep = sleep

    def request(
        self,
        method: str,
        url: str,
        *,
        expect: Collection[int] = (),
        idempotent: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """Send, retrying passing failures; statuses in ``expect`` are returned, not raised.

        Raises :class:`RetryableError` (with ``retry_after``) when throttled, timed out or 5xx after
        the last attempt, :class:`PermanentError` for any other 4xx.
        """
        policy = self._policy
        slept = 0.0
        for attempt in range(1, policy.max_attempts + 1):
            last = attempt == policy.max_attempts
            try:
                response = self._session.request(method, url, timeout=self._timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as err:
                never_sent = isinstance(err, requests.ConnectTimeout)
                delay = policy.backoff_for(attempt)
                if last or not (idempotent or never_sent) or slept + delay > policy.max_total_sleep:
                    raise RetryableError(f"{method} {_without_query(url)}: {type(err).__name__}") from err
            else:
                if response.status_code in expect:
                    return response
                try:
                    response.raise_for_status()
                except requests.HTTPError as err:
                    if response.status_code not in RETRYABLE_STATUSES:
                        raise PermanentError(_describe(response)) from err
                    retry_after = retry_after_seconds(response)
                    delay = retry_after if retry_after is not None else policy.backoff_for(attempt)
                    if last or not idempotent or slept + delay > policy.max_total_sleep:
                        raise RetryableError(_describe(response), retry_after=retry_after) from err
                else:
                    return response
            self._sleep(delay)
            slept += delay
        raise AssertionError("unreachable: the last attempt returns or raises")
