"""Canny's API (https://developers.canny.io/api-reference): what the ideas context reads and writes.

Every endpoint is ``POST <base>/<object>/<verb>`` with a JSON body carrying ``apiKey``; errors are
4xx with ``{"error": "<message>"}``. Used here: ``posts/retrieve`` (``id``) → the post;
``votes/list`` (``postID``, ``limit``, ``skip``) → ``{"hasMore", "votes": [{"id", "voter", "post"}]}``;
``posts/change_status`` (``changerID``, ``postID``, ``status``, ``shouldNotifyVoters``).

A Canny webhook signs only a nonce, so its body is a hint: the ideas context reads the post or
vote it names from here and acts on what Canny says.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from talkworthy.errors import PermanentError
from talkworthy.http import HttpClient

__all__ = ["CannyApi", "CannyPost", "CannyUser", "CannyVote"]

_PAGE = 100
_MAX_PAGES = 50


class _Vendor(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CannyUser(_Vendor):
    id: str
    name: str | None = None
    email: str | None = None


class CannyPost(_Vendor):
    id: str
    title: str
    details: str = ""
    status: str
    score: int = 0
    url: str | None = None
    author: CannyUser | None = None


class CannyVote(_Vendor):
    id: str
    voter: CannyUser


class CannyApi:
    def __init__(
        self, api_key: str, http: HttpClient | None = None, *, base_url: str = "https://canny.io/api/v1"
    ) -> None:
        self._key = api_key
        self._http = http or HttpClient(user_agent="talkworthy-ideas/1")
        self._base = base_url.rstrip("/")

    def _post(self, path: str, body: dict[str, Any], *, expect: tuple[int, ...] = ()) -> tuple[int, Any]:
        response = self._http.request("POST", f"{self._base}/{path}", json={"apiKey": self._key, **body}, expect=expect)
        return response.status_code, response.json()

    def retrieve_post(self, post_id: str) -> CannyPost | None:
        """The post as Canny has it, or ``None`` when Canny does not know the id."""
        status, body = self._post("posts/retrieve", {"id": post_id}, expect=(400, 404))
        if status in (400, 404):
            if isinstance(body, dict) and "error" in body:
                return None
            raise PermanentError(f"Canny posts/retrieve answered {status} without an error message")
        return CannyPost.model_validate(body)

    def votes(self, post_id: str) -> list[CannyVote]:
        """Every vote on the post (pages of 100)."""
        found: list[CannyVote] = []
        for page in range(_MAX_PAGES):
            _, body = self._post("votes/list", {"postID": post_id, "limit": _PAGE, "skip": page * _PAGE})
            found += [CannyVote.model_validate(vote) for vote in body.get("votes", [])]
            if not body.get("hasMore"):
                return found
        raise PermanentError(f"Canny post {post_id} has more than {_MAX_PAGES * _PAGE} votes")

    def change_status(self, post_id: str, status: str, *, changer_id: str, notify_voters: bool) -> CannyPost:
        """Set the post's status (Canny records ``changer_id``, an admin, as having changed it)."""
        _, body = self._post(
            "posts/change_status",
            {"postID": post_id, "status": status, "changerID": changer_id, "shouldNotifyVoters": notify_voters},
        )
        return CannyPost.model_validate(body)
