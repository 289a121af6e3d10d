"""A local stand-in for Canny's API (https://developers.canny.io/api-reference), served by the sink.

The ideas context checks every Canny delivery against Canny (its webhook signs only a nonce), so
the local mesh gives it a Canny to ask, speaking the documented shapes: ``POST`` with a JSON body
carrying ``apiKey``; errors are 4xx ``{"error": "<message>"}``.

- ``posts/retrieve`` (``id``) → the post, or 400 ``{"error": "invalid id"}``;
- ``votes/list`` (``postID``, ``limit`` default 10, ``skip``) → ``{"hasMore", "votes"}``;
- ``posts/change_status`` (``changerID``, ``postID``, ``status``, ``shouldNotifyVoters``) → the post.

It holds the board the demo and the tests talk about: :meth:`CannyStandIn.happened` applies what a
Canny webhook reports (a post created or changed, a vote cast) as Canny would have before sending
it, and the mesh applies every Canny webhook sample in the repository at start, in the order they
happened (``created``). A delivery whose body differs from this board is what a tampered one looks
like, and the ideas context rejects it. ``GET /_canny/posts`` lists the board.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["CANNY_PREFIX", "CannyStandIn"]

CANNY_PREFIX = "/canny/api/v1/"
_Reply = tuple[int, dict[str, str], Any]


class CannyStandIn:
    def __init__(self, api_key: str) -> None:
        self._key = api_key
        self._lock = threading.Lock()
        self.posts: dict[str, dict[str, Any]] = {}
        self.votes: dict[str, list[dict[str, Any]]] = {}
        self.status_changes: list[dict[str, Any]] = []

    # -- the board --------------------------------------------------------------------------
    def happened(self, body: dict[str, Any]) -> None:
        """Apply what a Canny webhook body reports: ``post.*`` → the post as it now is; ``vote.created``
        → the vote. Comments and anything else change nothing here."""
        kind, obj = str(body.get("type", "")), body.get("object")
        if not isinstance(obj, dict) or "id" not in obj:
            return
        with self._lock:
            if kind.startswith("post."):
                post = {k: v for k, v in obj.items() if k not in ("changeComment", "changer")}
                self.posts[str(obj["id"])] = copy.deepcopy(post)
            elif kind == "vote.created" and isinstance(obj.get("post"), dict):
                votes = self.votes.setdefault(str(obj["post"]["id"]), [])
                if all(vote["id"] != obj["id"] for vote in votes):
                    votes.append({"id": obj["id"], "voter": obj.get("voter"), "post": obj["post"]})

    def load_samples(self, roots: Iterable[Path]) -> None:
        """Every Canny webhook sample under ``roots`` (``*/canny/*.json``), oldest first."""
        bodies = [json.loads(path.read_text())["body"] for root in roots for path in sorted(root.glob("canny/*.json"))]
        for body in sorted(bodies, key=lambda b: str(b.get("created", ""))):
            self.happened(body)

    def board(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy({"posts": self.posts, "votes": self.votes, "status_changes": self.status_changes})

    # -- the API ----------------------------------------------------------------------------
    def handle(self, name: str, body: bytes) -> _Reply:
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return 400, {}, {"error": "invalid json"}
        if not isinstance(params, dict):
            return 400, {}, {"error": "invalid json"}
        if params.get("apiKey") != self._key:
            return 401, {}, {"error": "invalid api key"}
        with self._lock:
            if name == "posts/retrieve":
                post = self.posts.get(str(params.get("id", "")))
                return (200, {}, copy.deepcopy(post)) if post else (400, {}, {"error": "invalid id"})
            if name == "votes/list":
                return self._votes(params)
            if name == "posts/change_status":
                return self._change_status(params)
        return 404, {}, {"error": "invalid endpoint"}

    def _votes(self, params: dict[str, Any]) -> _Reply:
        post_id = str(params.get("postID", ""))
        if post_id not in self.posts:
            return 400, {}, {"error": "invalid post id"}
        try:
            skip, limit = int(params.get("skip", 0)), int(params.get("limit", 10))
        except (TypeError, ValueError):
            return 400, {}, {"error": "invalid limit or skip"}
        votes = self.votes.get(post_id, [])
        return 200, {}, {"hasMore": skip + limit < len(votes), "votes": copy.deepcopy(votes[skip : skip + limit])}

    def _change_status(self, params: dict[str, Any]) -> _Reply:
        post = self.posts.get(str(params.get("postID", "")))
        missing = [name for name in ("changerID", "status", "shouldNotifyVoters") if name not in params]
        if post is None or missing:
            return 400, {}, {"error": f"missing {', '.join(missing)}" if missing else "invalid post id"}
        post["status"] = str(params["status"])
        self.status_changes.append(
            {"postID": post["id"], "status": post["status"], "changerID": params["changerID"],
             "shouldNotifyVoters": bool(params["shouldNotifyVoters"])}
        )  # fmt: skip
        return 200, {}, copy.deepcopy(post)
