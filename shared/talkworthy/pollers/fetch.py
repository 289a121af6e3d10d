"""The ``fetch`` port of :func:`talkworthy.pollers.poll.poll_feed` over HTTP.

Retries, ``Retry-After`` and error translation come from the shared helper
:class:`talkworthy.http.HttpClient`; this only adds feed headers and a size cap.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from talkworthy.pollers.feeds import MAX_FEED_BYTES

__all__ = ["FEED_ACCEPT", "feed_fetcher"]

FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"


def feed_fetcher(
    http: HttpClient, *, max_bytes: int = MAX_FEED_BYTES, user_agent: str = "talkworthy-poller/1"
) -> Callable[[str], bytes]:
    """GET a feed, reading at most ``max_bytes`` (a larger body is :class:`PermanentError`)."""

    def fetch(url: str) -> bytes:
        headers = {"Accept": FEED_ACCEPT, "User-Agent": user_agent}
        response = http.request("GET", url, headers=headers, stream=True)
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=65536):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise PermanentError(f"feed {url} is larger than {max_bytes} bytes")
        except requests.RequestException as err:
            raise RetryableError(f"reading feed {url} failed: {type(err).__name__}") from err
        finally:
            response.close()
        return bytes(body)

    return fetch
