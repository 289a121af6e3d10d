"""Discourse deliveries as community activity (``Community.Activity``), for the community's health index.

A new member (``user_created``), a new topic (``topic_created``), a reply (``post_created`` with
``post_number`` above 1: the first post is the topic itself, already counted by its
``topic_created``) and a like (``post_liked``) each become one activity of the forum named by
``X-Discourse-Instance`` (its host is the community id). Private messages, whispers and small
actions, deleted or hidden posts and the forum's system users (``system``, ``discobot``, negative
ids) are not community activity. The brand's own people (admins and moderators, where the payload
says so) are flagged ``staff``; a system account that joins is flagged ``bot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import Field, StrictBool, StrictInt

from chalicelib.senders._common import IsoTime, Name, VendorModel, dedupe_key, translating, validate
from talkworthy.catalog import CommunityActivity

if TYPE_CHECKING:
    from chalicelib.senders.base import WebhookDelivery
    from chalicelib.senders.discourse import DiscoursePost

__all__ = [
    "COMMUNITY_EVENTS",
    "activity_of_post",
    "community_id",
    "like_activity",
    "like_key",
    "topic_activity",
    "user_activity",
]

SYSTEM_USERS = frozenset({"system", "discobot"})
COMMUNITY_EVENTS = frozenset({"topic_created", "user_created", "post_liked"})  # besides post_created


class _Person(VendorModel):
    id: StrictInt
    username: Name = Field(min_length=1)
    admin: StrictBool = False
    moderator: StrictBool = False
    staff: StrictBool = False


class DiscourseUser(_Person):
    created_at: IsoTime


class DiscourseTopic(VendorModel):
    id: StrictInt = Field(ge=1)
    created_at: IsoTime
    archetype: str = "regular"
    visible: StrictBool = True
    created_by: _Person


class _LikedPost(VendorModel):
    id: StrictInt
    topic_id: StrictInt = Field(ge=1)
    post_number: StrictInt = Field(ge=1)


class DiscourseLike(VendorModel):
    post: _LikedPost
    user: _Person
    created_at: IsoTime | None = None


def community_id(delivery: WebhookDelivery) -> str | None:
    """The forum's host from ``X-Discourse-Instance`` (``None`` when absent or not an http(s) URL)."""
    parts = urlsplit((delivery.header("X-Discourse-Instance") or "").strip())
    return parts.hostname if parts.scheme in ("http", "https") and parts.hostname else None


def _is_system(user_id: int | None, username: str) -> bool:
    return username.lower() in SYSTEM_USERS or (user_id is not None and user_id < 0)


def _staff(person: _Person) -> bool:
    return person.admin or person.moderator or person.staff


def _activity(delivery: WebhookDelivery, key: str, community: str, **fields: object) -> CommunityActivity:
    with translating("activity"):
        return CommunityActivity.model_validate(
            {"meta": delivery.meta(f"{key}:community"), "community_id": community, "platform": "discourse", **fields}
        )


def activity_of_post(delivery: WebhookDelivery, key: str, post: DiscoursePost) -> CommunityActivity | None:
    """A public reply (never the topic's first post) as activity; ``None`` when it is not one."""
    community = community_id(delivery)
    if community is None or post.post_number == 1 or post.topic_archetype == "private_message":
        return None
    if _is_system(post.user_id, post.username) or post.post_type != 1 or post.deleted_at or post.hidden:
        return None
    return _activity(
        delivery,
        key,
        community,
        kind="post_created",
        actor=str(post.user_id) if post.user_id is not None else post.username,
        actor_name=post.username,
        topic_id=str(post.topic_id),
        post_id=str(post.id),
        reply_to=None if post.reply_to_post_number is None else str(post.reply_to_post_number),
        at=post.created_at,
        staff=post.admin or post.moderator or post.staff,
    )


def topic_activity(delivery: WebhookDelivery, key: str, body: dict[str, object]) -> CommunityActivity | str:
    """A new public topic as activity, or why it is not one."""
    topic = validate(DiscourseTopic, body.get("topic"), "topic")
    community = community_id(delivery)
    if community is None:
        return "no X-Discourse-Instance: the community is unknown"
    if topic.archetype == "private_message" or not topic.visible:
        return "topic is a private message or unlisted"
    author = topic.created_by
    if _is_system(author.id, author.username):
        return f"topic is by the system user {author.username}"
    return _activity(
        delivery,
        key,
        community,
        kind="topic_created",
        actor=str(author.id),
        actor_name=author.username,
        topic_id=str(topic.id),
        at=topic.created_at,
        staff=_staff(author),
    )


def user_activity(delivery: WebhookDelivery, key: str, body: dict[str, object]) -> CommunityActivity | str:
    user = validate(DiscourseUser, body.get("user"), "user")
    community = community_id(delivery)
    if community is None:
        return "no X-Discourse-Instance: the community is unknown"
    return _activity(
        delivery,
        key,
        community,
        kind="user_created",
        actor=str(user.id),
        actor_name=user.username,
        at=user.created_at,
        staff=_staff(user),
        bot=_is_system(user.id, user.username),
    )


def like_key(body: dict[str, object]) -> tuple[str, DiscourseLike]:
    """A like is one person's on one post: ``post_liked:<post id>:<user id>``, the same on every redelivery."""
    like = validate(DiscourseLike, body.get("like"), "like")
    return dedupe_key("post_liked", like.post.id, like.user.id), like


def like_activity(delivery: WebhookDelivery, key: str, like: DiscourseLike) -> CommunityActivity | str:
    """A like as activity (the payload has no time of its own before Discourse 3.x: the delivery's)."""
    community = community_id(delivery)
    if community is None:
        return "no X-Discourse-Instance: the community is unknown"
    if _is_system(like.user.id, like.user.username):
        return f"like is by the system user {like.user.username}"
    return _activity(
        delivery,
        key,
        community,
        kind="like",
        actor=str(like.user.id),
        actor_name=like.user.username,
        topic_id=str(like.post.topic_id),
        post_id=str(like.post.id),
        at=like.created_at or delivery.received_at,
        staff=_staff(like.user),
    )
