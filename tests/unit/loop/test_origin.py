"""A case's origin carries what each reply port needs to answer in place."""

from __future__ import annotations

from datetime import UTC, datetime

from talkworthy.catalog import Author, CaseOrigin, Mention
from talkworthy.loop.origin import case_origin, reply_origin

POSTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _mention(platform: str, url: str, thread: str | None = None) -> Mention:
    return Mention(
        source_tool="discourse" if platform == "discourse" else "standard_webhooks",
        platform=platform,
        post_id="9001",
        url=url,  # type: ignore[arg-type]
        author=Author(handle="dana_w", name="Dana Whitfield", email="dana@globex.example"),
        text="The sync fails again",
        posted_at=POSTED,
        thread_hint=thread,
    )


def test_a_discourse_post_gives_its_topic_and_post_number() -> None:
    origin = case_origin(_mention("discourse", "https://community.acme.example/t/sync-fails/4242/3", "4242"))
    assert (origin.thread, origin.post_number) == ("4242", 3)


def test_a_tweet_keeps_its_id_and_thread_and_the_person() -> None:
    origin = case_origin(_mention("twitter", "https://x.com/dana_w/status/9001", thread="8999"))
    assert (origin.post_id, origin.thread, origin.post_number) == ("9001", "8999", None)
    assert (origin.handle, origin.name, origin.email) == ("dana_w", "Dana Whitfield", "dana@globex.example")


def test_the_closing_system_supplies_an_email_the_origin_lacked() -> None:
    bare = CaseOrigin(platform="reddit", post_id="t3_x")
    assert reply_origin(bare, "dana@globex.example").email == "dana@globex.example"
    known = CaseOrigin(platform="reddit", post_id="t3_x", email="own@example.com")
    assert reply_origin(known, "other@example.com").email == "own@example.com"
