"""CannyApi over real HTTP against Canny's documented shapes: POST with ``apiKey`` in the JSON body."""

from __future__ import annotations

import pytest

from talkworthy.errors import PermanentError
from talkworthy.ideas.canny import CannyApi
from tests.unit.crm.vendor_server import Reply, VendorServer
from tests.unit.ideas.conftest import API_KEY, FakeCanny


def test_retrieve_sends_the_key_in_the_body_and_reads_the_post(
    canny: FakeCanny, canny_api: CannyApi, vendor: VendorServer
) -> None:
    canny.post("p1", "Dark mode", "Please", email="ana@example.com", name="Ana")
    post = canny_api.retrieve_post("p1")
    assert post is not None
    assert (post.title, post.status, post.author and post.author.email) == (
        "Dark mode",
        "open",
        "ana@example.com",
    )
    (call,) = vendor.calls("POST", r"/api/v1/posts/retrieve")
    assert call.json() == {"apiKey": API_KEY, "id": "p1"}
    assert call.headers["content-type"] == "application/json"


def test_an_unknown_post_is_none(canny: FakeCanny, canny_api: CannyApi) -> None:
    assert canny_api.retrieve_post("nope") is None


def test_a_wrong_key_is_a_permanent_error(canny: FakeCanny, vendor: VendorServer, canny_api: CannyApi) -> None:
    wrong = CannyApi("wrong", canny_api._http, base_url=f"{vendor.url}/api/v1")
    with pytest.raises(PermanentError, match="401"):
        wrong.retrieve_post("p1")


def test_votes_are_read_page_by_page(canny: FakeCanny, canny_api: CannyApi, vendor: VendorServer) -> None:
    canny.post("p1", "Dark mode")
    for n in range(130):
        canny.vote("p1", f"u{n}", f"User {n}")
    votes = canny_api.votes("p1")
    assert [v.voter.id for v in votes] == [f"u{n}" for n in range(130)]
    assert [c.json()["skip"] for c in vendor.calls("POST", r"/api/v1/votes/list")] == [0, 100]


def test_change_status_sends_the_documented_fields(canny: FakeCanny, canny_api: CannyApi, vendor: VendorServer) -> None:
    canny.post("p1", "Dark mode")
    post = canny_api.change_status("p1", "planned", changer_id="admin-1", notify_voters=False)
    assert post.status == "planned"
    (call,) = vendor.calls("POST", r"/api/v1/posts/change_status")
    assert call.json() == {
        "apiKey": API_KEY,
        "postID": "p1",
        "status": "planned",
        "changerID": "admin-1",
        "shouldNotifyVoters": False,
    }


def test_a_server_error_is_retried(vendor: VendorServer, canny_api: CannyApi, canny: FakeCanny) -> None:
    canny.post("p1", "Dark mode")
    vendor.on("POST", r"/api/v1/posts/retrieve", Reply(503, {"error": "busy"}), canny.retrieve)
    assert canny_api.retrieve_post("p1") is not None
