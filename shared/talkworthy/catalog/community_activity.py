"""What people do in a brand's community (Discourse today): the raw material of its health index."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail

__all__ = ["ActivityKind", "CommunityActivity"]

ActivityKind = Literal["user_created", "topic_created", "post_created", "like"]
"""The same vocabulary as :class:`talkworthy.community.health.CommunityEvent` (page views come
from the admin reports poller, not from events)."""


class CommunityActivity(Detail):
    """One thing a person did in a community: joined, opened a topic, replied, liked a post.

    ``community_id`` is the forum's host (``community.acme.example``); ``actor`` the platform's
    user id (its username when the payload has no id); ``reply_to`` the post number replied to.
    ``staff`` (admins and moderators: the brand's own people) and ``bot`` (system users) are
    flagged from the payload, so the health index can leave them out.
    """

    DETAIL_TYPE = "Community.Activity"
    community_id: str = Field(min_length=1, max_length=200)
    platform: Literal["discourse"]
    kind: ActivityKind
    actor: str = Field(min_length=1, max_length=200)
    actor_name: str | None = Field(default=None, max_length=200, description="username, for people reading it")
    topic_id: str | None = Field(default=None, max_length=100)
    post_id: str | None = Field(default=None, max_length=100)
    reply_to: str | None = Field(default=None, max_length=100, description="post number replied to, in the topic")
    at: datetime = Field(description="when it happened in the community")
    staff: bool = False
    bot: bool = False
