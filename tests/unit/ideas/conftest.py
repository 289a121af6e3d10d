"""A Canny API on 127.0.0.1 speaking the documented shapes, and the ideas context's ports in memory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.ideas.canny import CannyApi
from talkworthy.ideas.dedupe import Deduper
from talkworthy.ideas.store import MemoryIdeaStore
from talkworthy.ideas.terms import MemoryTermStore
from talkworthy.identity.graph_memory import InMemoryIdentityGraph
from talkworthy.usecases.ideas import IdeaDeps
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

API_KEY = "canny-secret-key"


class FakeCanny:
    """Posts and votes as Canny keeps them; every call must carry the API key in its JSON body."""

    def __init__(self, vendor: VendorServer) -> None:
        self.posts: dict[str, dict[str, Any]] = {}
        self.votes: dict[str, list[dict[str, Any]]] = {}
        vendor.on("POST", r"/api/v1/posts/retrieve", self.retrieve)
        vendor.on("POST", r"/api/v1/votes/list", self.list_votes)
        vendor.on("POST", r"/api/v1/posts/change_status", self.change_status)

    def post(self, post_id: str, title: str, details: str = "", status: str = "open", **author: str) -> None:
        self.posts[post_id] = {
            "id": post_id,
            "title": title,
            "details": details,
            "status": status,
            "score": 1,
            "url": f"https://acme.canny.io/feature-requests/p/{post_id}",
            "author": {"id": author.get("id", "u-1"), "name": author.get("name"), "email": author.get("email")},
            "board": {"id": "b-1", "name": "Feature Requests"},
            "created": "2026-01-05T10:00:00.000Z",
        }

    def vote(self, post_id: str, user_id: str, name: str, email: str | None = None) -> None:
        votes = self.votes.setdefault(post_id, [])
        votes.append(
            {"id": f"v-{len(votes)}", "voter": {"id": user_id, "name": name, "email": email}, "post": {"id": post_id}}
        )

    def _authorised(self, request: Recorded) -> dict[str, Any] | None:
        body = request.json()
        return body if body.get("apiKey") == API_KEY else None

    def retrieve(self, request: Recorded) -> Reply:
        body = self._authorised(request)
        if body is None:
            return Reply(401, {"error": "invalid api key"})
        found = self.posts.get(body.get("id", ""))
        return Reply(200, found) if found else Reply(400, {"error": "invalid id"})

    def list_votes(self, request: Recorded) -> Reply:
        body = self._authorised(request)
        if body is None:
            return Reply(401, {"error": "invalid api key"})
        votes = self.votes.get(body["postID"], [])
        skip, limit = int(body.get("skip", 0)), int(body.get("limit", 10))
        return Reply(200, {"hasMore": skip + limit < len(votes), "votes": votes[skip : skip + limit]})

    def change_status(self, request: Recorded) -> Reply:
        body = self._authorised(request)
        if body is None:
            return Reply(401, {"error": "invalid api key"})
        post = self.posts[body["postID"]]
        post["status"] = body["status"]
        return Reply(200, post)


@pytest.fixture
def vendor() -> Iterator[VendorServer]:
    server = VendorServer().start()
    yield server
    server.stop()
    assert server.errors == [], "a fake vendor handler raised"


@pytest.fixture
def canny(vendor: VendorServer) -> FakeCanny:
    return FakeCanny(vendor)


@pytest.fixture
def canny_api(vendor: VendorServer) -> CannyApi:
    http = HttpClient(timeout=(2.0, 2.0), policy=RetryPolicy(max_attempts=2), sleep=lambda _: None)
    return CannyApi(API_KEY, http, base_url=f"{vendor.url}/api/v1")


@pytest.fixture
def deps(canny_api: CannyApi) -> IdeaDeps:
    return IdeaDeps(
        store=MemoryIdeaStore(),
        deduper=Deduper(MemoryTermStore()),
        identities=InMemoryIdentityGraph(),
        canny=lambda: canny_api,
        product_channel="C0PRODUCT",
        canny_changer_id="admin-1",
        now=lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )
