"""The local mesh's Canny stand-in, through the sink over real HTTP, as the ideas context's CannyApi calls it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from infra.local.canny_standin import CannyStandIn
from infra.local.slack_sink import SlackSink
from infra.local.template import REPO_ROOT
from talkworthy.errors import PermanentError
from talkworthy.http import HttpClient, RetryPolicy
from talkworthy.ideas.canny import CannyApi

KEY = "local-canny-key"
SSO = "673c5e91b8a7c6d5e4f3a2b1"  # the post of the Canny webhook samples


@pytest.fixture
def sink() -> Iterator[SlackSink]:
    with SlackSink() as running:
        running.canny = CannyStandIn(KEY)
        running.canny.load_samples([REPO_ROOT / "events" / "webhooks"])
        yield running


def _api(sink: SlackSink, key: str = KEY) -> CannyApi:
    http = HttpClient(timeout=(2.0, 2.0), policy=RetryPolicy(max_attempts=1), sleep=lambda _: None)
    return CannyApi(key, http, base_url=f"{sink.url}/canny/api/v1")


def test_the_samples_make_the_board_in_the_order_they_happened(sink: SlackSink) -> None:
    post = _api(sink).retrieve_post(SSO)
    assert post is not None
    assert (post.title, post.status) == ("SAML SSO on the Team plan", "planned")  # created, then planned
    assert [v.voter.name for v in _api(sink).votes(SSO)] == ["Dana Whitfield"]
    assert _api(sink).retrieve_post("nope") is None


def test_votes_are_listed_page_by_page_and_a_status_change_is_kept(sink: SlackSink) -> None:
    assert sink.canny is not None
    for n in range(12):
        sink.canny.happened(
            {"type": "vote.created", "object": {"id": f"v{n}", "post": {"id": SSO}, "voter": {"id": f"u{n}"}}}
        )
    assert len(_api(sink).votes(SSO)) == 13
    page = requests.post(
        f"{sink.url}/canny/api/v1/votes/list", json={"apiKey": KEY, "postID": SSO, "limit": 5, "skip": 10}, timeout=5
    ).json()
    assert (page["hasMore"], len(page["votes"])) == (False, 3)
    post = _api(sink).change_status(SSO, "complete", changer_id="admin-1", notify_voters=False)
    assert post.status == "complete"
    board = requests.get(f"{sink.url}/_canny/posts", timeout=5).json()
    assert board["status_changes"] == [
        {"postID": SSO, "status": "complete", "changerID": "admin-1", "shouldNotifyVoters": False}
    ]


def test_a_wrong_key_or_a_bad_request_is_a_4xx_with_canny_s_error_shape(sink: SlackSink) -> None:
    with pytest.raises(PermanentError, match="401"):
        _api(sink, "wrong").retrieve_post(SSO)
    answer = requests.post(
        f"{sink.url}/canny/api/v1/posts/change_status", json={"apiKey": KEY, "postID": SSO}, timeout=5
    )
    assert answer.status_code == 400
    assert "changerID" in answer.json()["error"]
    answer = requests.post(f"{sink.url}/canny/api/v1/posts/retrieve", data=b"{not json", timeout=5)
    assert (answer.status_code, answer.json()) == (400, {"error": "invalid json"})
    assert json.loads(requests.get(f"{sink.url}/_canny/posts", timeout=5).text)["posts"][SSO]["status"] == "planned"
