"""Local stand-ins for a Discourse community and an X-style platform, so the reply adapters run unchanged.

One HTTP server, two base URLs:

- ``{url}/discourse``: ``POST /posts.json`` as Discourse answers it. The ``Api-Key`` and
  ``Api-Username`` headers must be the configured ones (else 403 ``{"errors": [...]}``); the body
  needs an integer ``topic_id`` and a ``raw`` of at least 20 characters (Discourse's default
  ``min_post_length``; else 422). The answer is the new post: ``id``, ``topic_id``,
  ``post_number`` (the next in the topic), ``topic_slug``, ``reply_to_post_number``.
- ``{url}/x``: ``POST /2/tweets`` as X API v2 answers it: ``Authorization: Bearer <token>``
  (else 401), ``text`` of 1-280 characters, an optional ``reply.in_reply_to_tweet_id``; the same
  text twice is 403 "duplicate content", as X refuses it. 201 ``{"data": {"id", "text"}}``.

``GET /_sink/replies`` lists every reply posted (the outbox shows them under "Public replies").
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from infra.local.local_server import LocalServer, QuietHandler

__all__ = ["ReplySink"]

MIN_POST_LENGTH = 20
MAX_TWEET = 280
_Answer = tuple[int, dict[str, Any]]


class ReplySink(LocalServer):  # start, stop, url: infra/local/local_server.py
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, api_key: str, api_username: str, bearer_token: str
    ) -> None:
        super().__init__(host, port, _Handler, "reply-sink")
        self._discourse = (api_key, api_username)
        self._bearer = bearer_token
        self._lock = threading.Lock()
        self._ids = itertools.count(1001)
        self._replies: list[dict[str, Any]] = []
        self._topic_posts: dict[int, int] = {}

    def replies(self) -> list[dict[str, Any]]:
        """Every reply posted, oldest first: ``{platform, id, text, in_reply_to, url}``."""
        with self._lock:
            return [dict(reply) for reply in self._replies]

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> _Answer:
        if method == "GET" and path == "/_sink/replies":
            return 200, {"replies": self.replies()}
        if method != "POST":
            return 404, {"errors": ["not found"]}
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return 400, {"errors": ["body is not JSON"]}
        if not isinstance(params, dict):
            return 400, {"errors": ["body is not a JSON object"]}
        if path == "/discourse/posts.json":
            return self._discourse_post(headers, params)
        if path == "/x/2/tweets":
            return self._tweet(headers, params)
        return 404, {"errors": ["not found"]}

    def _discourse_post(self, headers: dict[str, str], params: dict[str, Any]) -> _Answer:
        if (headers.get("api-key"), headers.get("api-username")) != self._discourse:
            return 403, {
                "errors": ["You are not permitted to view the requested resource."],
                "error_type": "invalid_access",
            }
        topic, raw = params.get("topic_id"), params.get("raw")
        if type(topic) is not int or not isinstance(raw, str):
            return 422, {"action": "create_post", "errors": ["topic_id and raw are required"]}
        if len(raw.strip()) < MIN_POST_LENGTH:
            return 422, {
                "action": "create_post",
                "errors": [f"Body is too short (minimum is {MIN_POST_LENGTH} characters)"],
            }
        with self._lock:
            number = self._topic_posts.get(topic, 1) + 1
            self._topic_posts[topic] = number
            post_id = next(self._ids)
            url = f"{self.url}/discourse/t/topic/{topic}/{number}"
            self._replies.append(
                {
                    "platform": "discourse",
                    "id": str(post_id),
                    "text": raw,
                    "in_reply_to": f"{topic}/{params.get('reply_to_post_number')}",
                    "url": url,
                }
            )
        answer = {"id": post_id, "topic_id": topic, "post_number": number, "topic_slug": "topic", "raw": raw}
        return 200, {**answer, "reply_to_post_number": params.get("reply_to_post_number")}

    def _tweet(self, headers: dict[str, str], params: dict[str, Any]) -> _Answer:
        if headers.get("authorization") != f"Bearer {self._bearer}":
            return 401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TWEET:
            return 400, {
                "errors": [{"message": f"text must be 1 to {MAX_TWEET} characters"}],
                "title": "Invalid Request",
            }
        reply_to = (params.get("reply") or {}).get("in_reply_to_tweet_id")
        with self._lock:
            if any(r["platform"] == "x" and r["text"] == text for r in self._replies):
                detail = "You are not allowed to create a Tweet with duplicate content."
                return 403, {"detail": detail, "title": "Forbidden", "status": 403}
            post_id = str(1_860_000_000_000_000_000 + next(self._ids))
            url = f"{self.url}/x/i/web/status/{post_id}"
            self._replies.append({"platform": "x", "id": post_id, "text": text, "in_reply_to": reply_to, "url": url})
        return 201, {"data": {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id]}}


class _Handler(QuietHandler):
    sink: ReplySink

    def _dispatch(self, method: str) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, payload = self.sink.handle(method, self.path.split("?")[0], headers, self._body())
        self._answer(status, json.dumps(payload).encode(), {"Content-Type": "application/json; charset=utf-8"})
