"""Canny webhooks: ideas submitted, their status changes and votes.

Canny signs only a nonce (never the body), so authenticity rests on three checks together: the
secret path token in ``/webhooks/canny/{token}`` (constant time), the nonce signature keyed by the
team API key, and a ±5 minute window on ``canny-timestamp``.
``post.created`` → ``Idea.Submitted``, ``post.status_changed`` → ``Idea.StatusChanged``,
``vote.created`` → ``Idea.Voted``; other types are ignored with a reason.
Dedupe key: ``<canny-nonce>:<object.id>:<type>``.
"""

from __future__ import annotations

import hmac
from typing import Any

from pydantic import HttpUrl

from chalicelib.senders._common import (
    Count,
    Id,
    IsoTime,
    Name,
    VendorModel,
    configured_secrets,
    dedupe_key,
    json_object,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import Inbound, SenderSecrets, UnusableBodyError, WebhookDelivery
from chalicelib.signatures import InvalidSignatureError, MissingSignatureError, verify_canny
from talkworthy.catalog import Detail, IdeaStatusChanged, IdeaSubmitted, IdeaVoted, Person

__all__ = ["CannySender"]


class CannyEvent(VendorModel):
    created: IsoTime
    objectType: Id
    type: Id
    object: dict[str, Any]


class CannyUser(VendorModel):
    id: Id
    name: Name | None = None
    email: Name | None = None


class CannyBoard(VendorModel):
    id: Id | None = None
    name: Name | None = None


class CannyPost(VendorModel):
    id: Id
    title: Name
    details: str = ""
    author: CannyUser | None = None
    board: CannyBoard | None = None
    score: Count = 0
    status: Id
    statusChangedAt: IsoTime | None = None
    url: HttpUrl | None = None


class CannyPostRef(VendorModel):
    id: Id


class CannyVote(VendorModel):
    id: Id
    post: CannyPostRef
    voter: CannyUser


class CannySender:
    name = "canny"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        tokens = configured_secrets(secrets, "path_token", self.name)
        offered = delivery.path_params.get("token") or ""
        if not offered:
            raise MissingSignatureError("missing path token")
        if not any(hmac.compare_digest(token.encode(), offered.encode()) for token in tokens):
            raise InvalidSignatureError("path token does not match")
        verify_canny(signed_request(delivery), configured_secrets(secrets, "signing", self.name), now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        nonce = (delivery.header("canny-nonce") or "").strip()
        if not nonce:
            raise UnusableBodyError("the canny-nonce header is missing")
        event = validate(CannyEvent, json_object(delivery))
        object_id = validate(CannyPostRef, event.object, "object").id
        key = dedupe_key(nonce, object_id, event.type)
        detail: Detail
        with translating(event.type):
            if event.type == "post.created":
                post = validate(CannyPost, event.object, "object")
                detail = IdeaSubmitted(
                    meta=delivery.meta(key),
                    idea_system="canny",
                    idea_id=post.id,
                    title=post.title,
                    text=post.details.strip(),
                    submitter=_person(post.author),
                    votes=post.score,
                    board=post.board.name if post.board else None,
                    url=str(post.url) if post.url else None,
                    status=post.status,
                )
            elif event.type == "post.status_changed":
                post = validate(CannyPost, event.object, "object")
                detail = IdeaStatusChanged(
                    meta=delivery.meta(key),
                    idea_system="canny",
                    idea_id=post.id,
                    title=post.title,
                    status=post.status,
                    changed_at=post.statusChangedAt or event.created,
                )
            elif event.type == "vote.created":
                vote = validate(CannyVote, event.object, "object")
                detail = IdeaVoted(
                    meta=delivery.meta(key), idea_system="canny", idea_id=vote.post.id, voter=_person(vote.voter)
                )
            else:
                return [Inbound(key, [], ignored=f"event type {event.type} is not routed")]
        return [Inbound(key, [detail])]


def _person(user: CannyUser | None) -> Person:
    if user is None:
        return Person()
    return Person(name=user.name or None, email=user.email or None, system_user_id=user.id)
