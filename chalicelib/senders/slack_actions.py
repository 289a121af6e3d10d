"""Slack interactivity: a button clicked on a Talkworthy message becomes ``Action.Taken``.

The body is ``application/x-www-form-urlencoded`` with one ``payload`` field holding JSON; the
signature is checked over the whole raw form body before anything is parsed. ``block_actions``
gives one event per action: ``action`` is the button's ``action_id`` (one of the catalog's action
names), ``target`` the compact Target JSON that the message builder put in the button ``value``.
Other payload types (view_submission, shortcuts, ...) are ignored with a reason.
Dedupe key per action: ``<container.message_ts (or view_id)>:<action_ts>``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal, get_args
from urllib.parse import parse_qs

from pydantic import Field, ValidationError

from chalicelib.senders._common import (
    Id,
    Name,
    VendorModel,
    configured_secrets,
    dedupe_key,
    describe,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import (
    Inbound,
    MalformedBodyError,
    SenderSecrets,
    UnusableBodyError,
    WebhookDelivery,
)
from chalicelib.signatures import verify_slack
from talkworthy.catalog import ActionTaken, Actor, Target
from talkworthy.catalog.actions import ActionName
from talkworthy.notify.blocks import LINK_ACTION_ID

__all__ = ["SlackActionsSender"]

ACTION_NAMES: tuple[str, ...] = get_args(ActionName)


class SlackUser(VendorModel):
    id: Id
    username: Name | None = None
    name: Name | None = None


class SlackContainer(VendorModel):
    type: Id
    message_ts: Id | None = None
    channel_id: Id | None = None
    view_id: Id | None = None


class SlackAction(VendorModel):
    action_id: Id
    action_ts: Id
    value: str | None = None


class BlockActions(VendorModel):
    type: Literal["block_actions"]
    user: SlackUser
    container: SlackContainer
    response_url: Name | None = None
    actions: list[SlackAction] = Field(min_length=1)


class _Interaction(VendorModel):
    type: Id
    trigger_id: Id | None = None


class SlackActionsSender:
    name = "slack"
    content_types: tuple[str, ...] = ("application/x-www-form-urlencoded",)

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_slack(signed_request(delivery), configured_secrets(secrets, "signing", self.name), now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        payload = _payload(delivery.body)
        kind = validate(_Interaction, payload, "payload")
        if kind.type != "block_actions":
            key = dedupe_key(kind.type, kind.trigger_id or hashlib.sha256(delivery.body).hexdigest()[:32])
            return [Inbound(key, [], ignored=f"payload type {kind.type} is not routed")]
        click = validate(BlockActions, payload, "payload")
        anchor = click.container.message_ts or click.container.view_id
        if not anchor:
            raise UnusableBodyError("payload.container has neither message_ts nor view_id")
        message_ref = None
        if click.container.message_ts and click.container.channel_id:
            message_ref = f"{click.container.channel_id}:{click.container.message_ts}"
        actor = Actor(id=click.user.id, name=click.user.username or click.user.name or None, via="slack")
        items = []
        for index, action in enumerate(click.actions):
            where = f"payload.actions[{index}]"
            key = dedupe_key(anchor, action.action_ts)
            if action.action_id == LINK_ACTION_ID:  # a URL button: Slack opens the link, we only acknowledge
                items.append(Inbound(key, [], ignored="link button opened; nothing to do"))
                continue
            if action.action_id not in ACTION_NAMES:
                allowed = ", ".join(ACTION_NAMES)
                raise UnusableBodyError(f"{where}.action_id {action.action_id!r} is not one of {allowed}")
            with translating(where):
                taken = ActionTaken(
                    meta=delivery.meta(key),
                    action=action.action_id,  # checked against ACTION_NAMES above
                    actor=actor,
                    target=_target(action.value, where),
                    response_url=click.response_url or None,
                    message_ref=message_ref,
                )
            items.append(Inbound(key, [taken]))
        return items


def _payload(body: bytes) -> dict[str, Any]:
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as err:
        raise MalformedBodyError(f"body is not a url-encoded form: {err}") from err
    if "payload" not in form:
        raise UnusableBodyError("form has no 'payload' field")
    try:
        payload = json.loads(form["payload"][0])
    except json.JSONDecodeError as err:
        raise MalformedBodyError(f"payload is not valid JSON: {err}") from err
    if not isinstance(payload, dict):
        raise UnusableBodyError(f"payload must be a JSON object, not {type(payload).__name__}")
    return payload


def _target(value: str | None, where: str) -> Target:
    if not value:
        raise UnusableBodyError(f"{where}.value is missing: it must hold the target JSON")
    try:
        return Target.model_validate_json(value)
    except ValidationError as err:
        raise UnusableBodyError(f"{where}.value is not a target: {describe(err)}") from err
