"""Replies in a Discourse community: ``POST /posts.json`` as the brand's account.

Discourse's API (docs.discourse.org, "Creating a post"): a JSON body with ``topic_id``, ``raw``
and ``reply_to_post_number``, authenticated by the ``Api-Key`` and ``Api-Username`` headers; the
answer is the new post (``id``, ``topic_id``, ``post_number``, ``topic_slug``). A 422 (too short,
a closed topic, a duplicate) is permanent; 429 carries ``Retry-After``.
"""

from __future__ import annotations

from talkworthy.errors import InvalidInputError
from talkworthy.http import HttpClient
from talkworthy.replies.port import Origin, ReplyRef

__all__ = ["DiscourseReplyAdapter"]


class DiscourseReplyAdapter:
    def __init__(self, base_url: str, api_key: str, api_username: str, http: HttpClient | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Api-Key": api_key, "Api-Username": api_username}
        self._http = http or HttpClient(user_agent="talkworthy-replies/1")

    def reply(self, origin: Origin, text: str) -> ReplyRef:
        if not origin.thread or not origin.thread.isdigit():
            raise InvalidInputError(f"a Discourse reply needs the topic id, got {origin.thread!r}")
        body: dict[str, object] = {"topic_id": int(origin.thread), "raw": text}
        if origin.post_number:
            body["reply_to_post_number"] = origin.post_number
        # not retried after a timeout: the post may exist already, and Discourse takes no idempotency key
        response = self._http.request(
            "POST", f"{self._base}/posts.json", json=body, headers=self._headers, idempotent=False
        )
        post = response.json()
        slug = post.get("topic_slug") or "-"
        return ReplyRef(
            platform="discourse",
            reply_id=str(post["id"]),
            url=f"{self._base}/t/{slug}/{post['topic_id']}/{post['post_number']}",
        )
