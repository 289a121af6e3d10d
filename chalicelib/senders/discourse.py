"""Discourse webhooks: a new public post becomes ``Mention.Received``; members, topics, replies and
likes also become ``Community.Activity`` (``discourse_community.py``); everything else is ignored.

Routing is by the ``X-Discourse-Event`` header. ``topic_created`` is no mention on purpose: a topic's
first post arrives as its own ``post_created`` (post_number 1), so mapping both would report it
twice (for the community it is the other way round: the topic counts, its first post does not).
Private messages, posts by the ``system``/``discobot`` users (or any negative user id),
whispers and small actions (post_type other than 1) and deleted posts are ignored with a reason.
Dedupe key: ``<event>:<post.id or topic.id>:<updated_at>`` (``X-Discourse-Event-Id`` changes on
every redelivery, so it is only a fallback for bodies without an object id, such as ``ping``).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import Field, StrictBool, StrictInt

from chalicelib.senders._common import (
    Count,
    Id,
    IsoTime,
    Name,
    VendorModel,
    configured_secrets,
    dedupe_key,
    html_to_text,
    json_object,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import Inbound, SenderSecrets, UnusableBodyError, WebhookDelivery
from chalicelib.senders.discourse_community import (
    COMMUNITY_EVENTS,
    activity_of_post,
    like_activity,
    like_key,
    topic_activity,
    user_activity,
)
from chalicelib.signatures import verify_discourse
from talkworthy.catalog import Author, CommunityActivity, Engagement, Mention, MentionReceived

__all__ = ["DiscoursePost", "DiscourseSender"]

_SYSTEM_USERS = frozenset({"system", "discobot"})
_REGULAR_POST = 1
_MAX_TRUST_LEVEL = 4


class DiscoursePost(VendorModel):
    id: StrictInt
    username: Name = Field(min_length=1)
    name: Name | None = None
    user_id: StrictInt | None = None
    created_at: IsoTime
    updated_at: IsoTime
    raw: str
    cooked: str | None = None
    post_number: StrictInt = Field(ge=1)
    post_type: StrictInt = _REGULAR_POST
    reply_to_post_number: StrictInt | None = Field(default=None, ge=1)
    reply_count: Count = 0
    topic_id: StrictInt = Field(ge=1)
    topic_slug: str | None = None
    topic_title: str | None = None
    topic_archetype: str = "regular"
    trust_level: StrictInt | None = Field(default=None, ge=0, le=_MAX_TRUST_LEVEL)
    admin: StrictBool = False
    moderator: StrictBool = False
    staff: StrictBool = False
    deleted_at: IsoTime | None = None
    hidden: StrictBool = False


class _AnyObject(VendorModel):
    id: Id | None = None
    updated_at: Id | None = None
    created_at: Id | None = None


class DiscourseSender:
    name = "discourse"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_discourse(signed_request(delivery), configured_secrets(secrets, "signing", self.name))

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        event = (delivery.header("X-Discourse-Event") or "").strip()
        if not event:
            raise UnusableBodyError("the X-Discourse-Event header is missing")
        body = json_object(delivery)
        if event in COMMUNITY_EVENTS:
            return [_community_item(delivery, event, body)]
        if event != "post_created":
            reason = "ping" if event == "ping" else f"event {event} is not routed"
            return [Inbound(_other_key(delivery, event, body), [], ignored=reason)]
        post = validate(DiscoursePost, body.get("post"), "post")
        key = dedupe_key(event, post.id, post.updated_at.isoformat())
        skipped = _why_ignored(post)
        if skipped:  # not community activity either (activity_of_post leaves out the same posts)
            return [Inbound(key, [], ignored=skipped)]
        activity = activity_of_post(delivery, key, post)
        return [Inbound(key, [_mention(delivery, key, post), *([activity] if activity else [])])]


def _community_item(delivery: WebhookDelivery, event: str, body: dict[str, Any]) -> Inbound:
    """A member, topic or like: community activity only, or ignored with the reason."""
    found: CommunityActivity | str
    if event == "post_liked":
        key, like = like_key(body)
        found = like_activity(delivery, key, like)
    else:
        key = _other_key(delivery, event, body)
        found = (topic_activity if event == "topic_created" else user_activity)(delivery, key, body)
    if isinstance(found, str):
        return Inbound(key, [], ignored=found)
    return Inbound(key, [found])


def _why_ignored(post: DiscoursePost) -> str | None:
    if post.topic_archetype == "private_message":
        return "post is in a private message"
    if post.username.lower() in _SYSTEM_USERS or (post.user_id is not None and post.user_id < 0):
        return f"post is by the system user {post.username}"
    if post.post_type != _REGULAR_POST:
        return f"post_type {post.post_type} is not a regular public post (whisper, small action)"
    if post.deleted_at is not None or post.hidden:
        return "post is deleted or hidden"
    return None


def _mention(delivery: WebhookDelivery, key: str, post: DiscoursePost) -> MentionReceived:
    text = post.raw.strip() or html_to_text(post.cooked or "")
    if not text:
        raise UnusableBodyError("post.raw is empty")
    instance = _instance(delivery)
    slug = quote(post.topic_slug or "-", safe="-")
    reputation = None if post.trust_level is None else post.trust_level / _MAX_TRUST_LEVEL
    with translating("post"):
        return MentionReceived(
            meta=delivery.meta(key),
            mention=Mention(
                source_tool="discourse",
                platform="discourse",
                post_id=str(post.id),
                url=f"{instance}/t/{slug}/{post.topic_id}/{post.post_number}" if instance else None,
                author=Author(
                    handle=post.username,
                    platform_user_id=None if post.user_id is None else str(post.user_id),
                    name=post.name or None,
                    reputation=reputation,
                    profile_url=f"{instance}/u/{quote(post.username)}" if instance else None,
                ),
                title=post.topic_title or None,
                text=text,
                posted_at=post.created_at,
                in_reply_to=(
                    None if post.reply_to_post_number is None else f"{post.topic_id}/{post.reply_to_post_number}"
                ),
                thread_hint=str(post.topic_id),
                engagement=Engagement(replies=post.reply_count),
            ),
        )


def _instance(delivery: WebhookDelivery) -> str | None:
    """The forum's base URL from ``X-Discourse-Instance``, when it is a plain http(s) URL."""
    value = (delivery.header("X-Discourse-Instance") or "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return value


def _other_key(delivery: WebhookDelivery, event: str, body: dict[str, Any]) -> str:
    """``<event>:<object id>:<updated_at>`` for any ``{"<type>": {...}}`` body; a fallback otherwise."""
    kind = (delivery.header("X-Discourse-Event-Type") or "").strip()
    found = body.get(kind) if kind in body else next(iter(body.values()), None)
    if isinstance(found, dict):
        obj = validate(_AnyObject, found, kind or "object")
        if obj.id is not None:
            return dedupe_key(event, obj.id, obj.updated_at or obj.created_at or "-")
    fallback = delivery.header("X-Discourse-Event-Id") or hashlib.sha256(delivery.body).hexdigest()[:32]
    return dedupe_key(event, fallback)
