"""Replies on X/Twitter-style platforms: the social reply port.

The interface is X's API v2 "Create Post" (``POST /2/tweets``): a JSON body ``{"text": ...,
"reply": {"in_reply_to_tweet_id": ...}}`` with the brand account's user-context bearer token;
``201 {"data": {"id", "text"}}`` on success. A 429 says when the window resets in
``x-rate-limit-reset`` (epoch seconds) rather than ``Retry-After``; a 403 for duplicate content
or a reply the author does not allow is permanent. Other platforms with the same shape (a post
id to answer, a bearer token) can use it with their own base URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from talkworthy.errors import InvalidInputError, RetryableError
from talkworthy.http import HttpClient
from talkworthy.replies.port import Origin, ReplyRef

__all__ = ["SocialReplyAdapter"]

MAX_LENGTH = 280


class SocialReplyAdapter:
    def __init__(
        self,
        base_url: str,
        bearer_token: str,
        *,
        platform: str = "twitter",
        post_url: str = "https://x.com/i/web/status/{id}",
        http: HttpClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {bearer_token}"}
        self._platform = platform
        self._post_url = post_url
        self._http = http or HttpClient(user_agent="talkworthy-replies/1")
        self._clock = clock

    def reply(self, origin: Origin, text: str) -> ReplyRef:
        if len(text) > MAX_LENGTH:
            raise InvalidInputError(f"a reply on {self._platform} is at most {MAX_LENGTH} characters, got {len(text)}")
        body = {"text": text, "reply": {"in_reply_to_tweet_id": origin.post_id}}
        response = self._http.request(
            "POST", f"{self._base}/2/tweets", json=body, headers=self._headers, idempotent=False, expect=(429,)
        )
        if response.status_code == 429:
            reset = response.headers.get("x-rate-limit-reset", "")
            wait = max(0.0, float(reset) - self._clock()) if reset.isdigit() else None
            raise RetryableError(f"{self._platform} rate limit until {reset or 'later'}", retry_after=wait)
        post = response.json()["data"]
        return ReplyRef(platform=self._platform, reply_id=str(post["id"]), url=self._post_url.format(id=post["id"]))
