"""The demo's ideas scenario rests on its data: the two Canny posts are a strong match for the deduper,
and the Canny stand-in holds them and the vote the demo sends, as Canny would."""

from __future__ import annotations

import json

import yaml

from infra.demo import SCENARIOS, _samples
from infra.local.canny_standin import CannyStandIn
from infra.local.template import REPO_ROOT
from talkworthy.ideas.dedupe import Deduper
from talkworthy.ideas.terms import MemoryTermStore


def _sent() -> list[dict]:  # type: ignore[type-arg]
    samples = _samples()
    return [json.loads(samples[name].body) for name in yaml.safe_load(SCENARIOS.read_text())["ideas"]["send"]]


def test_the_demo_posts_are_a_strong_match_and_the_first_is_not_a_duplicate() -> None:
    posts = [b["object"] for b in _sent() if b["type"] == "post.created"]
    deduper = Deduper(MemoryTermStore())
    for sample in _samples().values():  # the demo's other Canny ideas are known first
        obj = json.loads(sample.body).get("object") if sample.source == "canny" else None
        if isinstance(obj, dict) and "title" in obj and obj not in posts:
            deduper.check_in(f"canny:{obj['id']}", obj["title"], obj.get("details", ""))
    first, again = posts
    assert not any(c.strong for c in deduper.check_in(f"canny:{first['id']}", first["title"], first["details"]))
    [best, *_] = deduper.check_in(f"canny:{again['id']}", again["title"], again["details"])
    assert (best.ref, best.strong) == (f"canny:{first['id']}", True)


def test_the_canny_stand_in_holds_the_posts_and_the_vote_the_demo_sends() -> None:
    canny = CannyStandIn("key")
    canny.load_samples([REPO_ROOT / "events" / "webhooks", REPO_ROOT / "events" / "demo" / "webhooks"])
    sent = _sent()
    posts = [b["object"] for b in sent if b["type"] == "post.created"]
    for post in posts:
        status, held = canny.handle("posts/retrieve", json.dumps({"apiKey": "key", "id": post["id"]}).encode())[::2]
        assert (status, held["title"], held["status"]) == (200, post["title"], "open")
    [vote] = [b["object"] for b in sent if b["type"] == "vote.created"]
    status, _, listed = canny.handle("votes/list", json.dumps({"apiKey": "key", "postID": posts[0]["id"]}).encode())
    assert [v["voter"]["email"] for v in listed["votes"]] == [vote["voter"]["email"]]
