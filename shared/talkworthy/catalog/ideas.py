"""Ideas from ideation boards, communities and mentions routed as ideas."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["IdeaStatusChanged", "IdeaSubmitted", "IdeaVoted", "Person"]


class Person(_Model):
    """Someone outside the company, as the idea's system knows them."""

    name: str | None = None
    email: str | None = None
    handle: str | None = None
    system_user_id: str | None = Field(default=None, description="their user id in the idea_system")


class IdeaSubmitted(Detail):
    DETAIL_TYPE = "Idea.Submitted"
    idea_system: str = Field(description="where the idea lives (idea_id is its id there): canny, discourse, mention")
    idea_id: str
    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(default="", max_length=40_000)
    submitter: Person
    votes: int = Field(default=0, ge=0)
    board: str | None = None
    url: str | None = None
    status: str = "open"


class IdeaStatusChanged(Detail):
    DETAIL_TYPE = "Idea.StatusChanged"
    idea_system: str
    idea_id: str
    title: str | None = None
    previous: str | None = None
    status: str
    changed_at: datetime


class IdeaVoted(Detail):
    """Canny ``vote.created``: a voter to notify on every later status change."""

    DETAIL_TYPE = "Idea.Voted"
    idea_system: str
    idea_id: str
    voter: Person
