"""The ideas context's use cases with in-memory stores and Canny over real HTTP."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from talkworthy.catalog import (
    ActionRequested,
    ActionTaken,
    Actor,
    EventMeta,
    IdeaStatusChanged,
    IdeaSubmitted,
    IdeaVoted,
    Person,
    Target,
)
from talkworthy.catalog.mention import Author
from talkworthy.errors import InvalidInputError, PermanentError
from talkworthy.ideas.model import Idea
from talkworthy.ideas.store import MemoryIdeaStore
from talkworthy.usecases.ideas import IdeaDeps, decide, status_changed, submit, vote
from tests.unit.crm.vendor_server import VendorServer
from tests.unit.ideas.conftest import FakeCanny

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _meta(key: str, producer: str = "talkworthy.ingress.canny") -> EventMeta:
    return EventMeta(event_key=key, correlation_id=f"c-{key}", producer=producer, occurred_at=NOW)


def _submitted(system: str, idea_id: str, title: str, person: Person, text: str = "") -> IdeaSubmitted:
    return IdeaSubmitted(
        meta=_meta(f"sub-{idea_id}"), idea_system=system, idea_id=idea_id, title=title, text=text, submitter=person
    )


def _click(action: str, idea: str, related: str | None = None, key: str = "click") -> ActionTaken:
    return ActionTaken(
        meta=_meta(f"{key}-{action}", "talkworthy.ingress.slack"),
        action=action,  # type: ignore[arg-type]
        actor=Actor(id="U1", name="pat", via="slack"),
        target=Target(kind="idea", id=idea, related=related),
    )


def _two_near_identical(canny: FakeCanny, deps: IdeaDeps) -> list[ActionRequested]:
    canny.post(
        "p1", "Add dark mode to the mobile app", "Night use hurts", email="ana@example.com", name="Ana", id="u-ana"
    )
    submit(
        _submitted(
            "canny",
            "p1",
            "Add dark mode to the mobile app",
            Person(name="Ana", email="ana@example.com", system_user_id="u-ana"),
            "Night use hurts",
        ),
        deps,
    )
    bo = Person(name="Bo", email="bo@example.com", handle="bo_codes")
    out = submit(_submitted("mention", "x:77", "Please add dark mode to the mobile app", bo), deps)
    return [e for e in out if isinstance(e, ActionRequested)]


def test_a_near_duplicate_is_proposed_for_merging_and_the_submitter_thanked(canny: FakeCanny, deps: IdeaDeps) -> None:
    ask, thanks = _two_near_identical(canny, deps)
    assert (ask.channel, ask.audience) == ("slack", "C0PRODUCT")
    assert ask.actions == ["merge", "accept", "decline"]
    assert ask.target.id == "mention:x:77"
    assert ask.target.related == "canny:p1"
    assert "Add dark mode to the mobile app" in ask.facts["Merge into"]
    assert ask.facts["Submitted by"] == "Bo"
    assert (thanks.channel, thanks.audience, thanks.actions) == ("email", "bo@example.com", [])
    assert "What happens next" in thanks.body


def test_a_redelivered_submission_returns_the_same_events(canny: FakeCanny, deps: IdeaDeps) -> None:
    first = _two_near_identical(canny, deps)
    # an idea checked in since ranks among the similar ones and changes every similarity's weights;
    # the redelivered ask still says what the first said (notify sends whichever copy comes first)
    submit(_submitted("mention", "x:78", "Dark mode for the mobile app at night", Person(handle="cy")), deps)
    again = submit(
        _submitted(
            "mention",
            "x:77",
            "Please add dark mode to the mobile app",
            Person(name="Bo", email="bo@example.com", handle="bo_codes"),
        ),
        deps,
    )
    assert [e.meta.event_key for e in again] == [e.meta.event_key for e in first]
    assert [e.model_dump(exclude={"meta"}) for e in again] == [e.model_dump(exclude={"meta"}) for e in first]
    assert deps.store.get("mention:x:77").version == 1  # type: ignore[union-attr]


def test_a_tampered_canny_body_is_rejected(canny: FakeCanny, deps: IdeaDeps) -> None:
    canny.post("p1", "Add dark mode", email="ana@example.com")
    tampered = _submitted("canny", "p1", "Give everyone a refund", Person(email="ana@example.com"))
    with pytest.raises(InvalidInputError, match="differs from Canny's post p1 in title"):
        submit(tampered, deps)
    with pytest.raises(InvalidInputError, match="no post p9"):
        submit(_submitted("canny", "p9", "Add dark mode", Person()), deps)
    forged_vote = IdeaVoted(
        meta=_meta("v"), idea_system="canny", idea_id="p1", voter=Person(system_user_id="u-mallory")
    )
    with pytest.raises(InvalidInputError, match="no vote by u-mallory"):
        vote(forged_vote, deps)
    assert deps.store.get("canny:p1") is None


def test_a_canny_post_whose_status_moved_on_is_kept_with_cannys_status(canny: FakeCanny, deps: IdeaDeps) -> None:
    canny.post("p1", "Add dark mode", status="planned", email="ana@example.com")
    submit(_submitted("canny", "p1", "Add dark mode", Person(email="ana@example.com")), deps)  # says "open"
    assert deps.store.get("canny:p1").status == "planned"  # type: ignore[union-attr]


def test_without_a_canny_api_key_canny_deliveries_are_refused(canny: FakeCanny, deps: IdeaDeps) -> None:
    unchecked = dataclasses.replace(deps, canny=lambda: None)
    canny.post("p1", "Add dark mode", email="ana@example.com")
    with pytest.raises(PermanentError, match="no CannyApiKey is configured"):
        submit(_submitted("canny", "p1", "Add dark mode", Person(email="ana@example.com")), unchecked)
    with pytest.raises(PermanentError, match="no CannyApiKey is configured"):
        vote(IdeaVoted(meta=_meta("v"), idea_system="canny", idea_id="p1", voter=Person(system_user_id="u")), unchecked)
    assert deps.store.get("canny:p1") is None
    submit(_submitted("mention", "x:1", "Add dark mode", Person(handle="bo")), unchecked)  # others are not Canny's
    assert deps.store.get("mention:x:1") is not None


def test_merge_accept_notifies_everyone_once_and_writes_back_to_canny(
    canny: FakeCanny, deps: IdeaDeps, vendor: VendorServer
) -> None:
    _two_near_identical(canny, deps)
    canny.vote("p1", "u-cy", "Cy", "cy@example.com")
    vote(IdeaVoted(meta=_meta("v1"), idea_system="canny", idea_id="p1", voter=Person(system_user_id="u-cy")), deps)
    vote(
        IdeaVoted(
            meta=_meta("v2", "talkworthy.ingress.standard"),
            idea_system="mention",
            idea_id="x:77",
            voter=Person(email="cy@example.com"),
        ),
        deps,
    )

    merged = decide(_click("merge", "mention:x:77", "canny:p1"), deps)
    assert [e.actions for e in merged if isinstance(e, ActionRequested)] == [["unmerge"]]
    primary = deps.store.get("canny:p1")
    assert primary is not None
    assert primary.votes == 3
    (change,) = decide(_click("accept", "mention:x:77"), deps)  # accepting the duplicate accepts its primary
    assert isinstance(change, IdeaStatusChanged)
    assert (change.idea_id, change.status) == ("p1", "planned")

    told = status_changed(change, deps)
    assert sorted(e.audience for e in told if isinstance(e, ActionRequested)) == [
        "ana@example.com",
        "bo@example.com",
        "cy@example.com",
    ]
    assert deps.store.get("mention:x:77").status == "planned"  # type: ignore[union-attr]
    (write,) = vendor.calls("POST", r"/api/v1/posts/change_status")
    assert write.json()["shouldNotifyVoters"] is False
    assert write.json()["status"] == "planned"

    assert [e.meta.event_key for e in status_changed(change, deps)] == [e.meta.event_key for e in told]  # a retry
    from_canny = IdeaStatusChanged(
        meta=_meta("canny-status"), idea_system="canny", idea_id="p1", status="planned", changed_at=NOW
    )
    assert status_changed(from_canny, deps) == []  # Canny reporting our write-back tells nobody twice


def test_unmerge_restores_both_ideas(canny: FakeCanny, deps: IdeaDeps) -> None:
    _two_near_identical(canny, deps)
    before = deps.store.get("canny:p1")
    decide(_click("merge", "mention:x:77", "canny:p1"), deps)
    decide(_click("merge", "mention:x:77", "canny:p1"), deps)  # a redelivered click
    assert deps.store.get("canny:p1").merged_from == ["mention:x:77"]  # type: ignore[union-attr]
    decide(_click("unmerge", "mention:x:77", key="undo"), deps)
    primary, duplicate = deps.store.get("canny:p1"), deps.store.get("mention:x:77")
    assert primary is not None
    assert duplicate is not None
    assert before is not None
    assert (set(primary.people()), primary.merged_from, primary.status) == (set(before.people()), [], before.status)
    assert (duplicate.merged_into, duplicate.status, list(duplicate.submitters)) == (
        None,
        "open",
        ["email:bo@example.com"],
    )


def test_people_are_keyed_by_their_profile_when_the_graph_knows_them(canny: FakeCanny, deps: IdeaDeps) -> None:
    resolved = deps.identities.resolve("x", Author(handle="bo_codes", email="bo@example.com"))
    _two_near_identical(canny, deps)
    idea = deps.store.get("mention:x:77")
    assert idea is not None
    assert list(idea.submitters) == [f"profile:{resolved.identity.profile_id}"]


class _CountedReads(MemoryIdeaStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def get(self, ref: str) -> Idea | None:
        self.reads.append("get")
        return super().get(ref)

    def get_many(self, refs: Sequence[str]) -> dict[str, Idea]:
        self.reads.append("get_many")
        return {ref: idea for ref in refs if (idea := MemoryIdeaStore.get(self, ref)) is not None}


def test_a_submission_reads_the_idea_once_and_its_candidates_together(canny: FakeCanny, deps: IdeaDeps) -> None:
    store = _CountedReads()
    deps = dataclasses.replace(deps, store=store)
    for n in range(4):
        submit(_submitted("mention", f"x:{n}", f"Add dark mode to the mobile app, take {n}", Person(name="Ana")), deps)
    store.reads.clear()
    first = submit(_submitted("mention", "x:9", "Please add dark mode to the mobile app", Person(name="Bo")), deps)
    assert store.reads == ["get", "get_many"]  # is it new; then the four candidates in one read
    [ask] = [e for e in first if isinstance(e, ActionRequested)]
    assert "take 0" in ask.facts["Similar ideas"]
    again = submit(_submitted("mention", "x:9", "Please add dark mode to the mobile app", Person(name="Bo")), deps)

    def told(events: list[Any]) -> list[tuple[Any, ...]]:  # what the idea says, as created and as stored
        return [(e.headline, e.body, e.facts["Submitted by"], e.facts["Votes so far"], e.link) for e in events]

    assert told(again) == told(first)
