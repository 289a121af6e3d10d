"""Slack interactivity: a click on a Talkworthy message, or a submitted form, becomes ``Action.Taken``.

The body is ``application/x-www-form-urlencoded`` with one ``payload`` field holding JSON; the
signature is checked over the whole raw form body before anything is parsed. Slack wants a 200
within 3 s: the click is recorded (deduplicated) and published here, the work happens behind the
queue.

- ``block_actions``: one event per action. ``action`` is the element's ``action_id`` (one of the
  catalog's action names); a button's ``value`` carries the target (and argument) in the codec of
  ``talkworthy.actions``; the reclassify select carries the corrected label in its selected
  option, its target in the block id. ``trigger_id`` rides along so the consumer can open a modal.
- ``view_submission`` of the *Link to contact* modal: ``confirm_link`` with the argument
  ``<profile_id>|crm:<system>/<contact_id>`` from the view's metadata and chosen option.
- ``view_submission`` of a case form (``notify/case_forms.py``: Bring in, Add next step, Change
  goal): that action with the argument the form gives.
- Other payload types (other views, shortcuts, ...) are ignored with a reason.

Dedupe key per action: ``<container.message_ts (or view_id)>:<action_ts>``; per submission:
``view:<view.id>:<view.hash>``.
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
from talkworthy.actions import SELECT_ACTIONS, decode_value, target_from_block_id
from talkworthy.catalog import ActionTaken, Actor, Target
from talkworthy.catalog.actions import ActionName
from talkworthy.errors import InvalidInputError
from talkworthy.notify import case_forms
from talkworthy.notify.blocks import LINK_ACTION_ID
from talkworthy.notify.modal import CALLBACK_ID, CHOICE_ACTION, CHOICE_BLOCK, read_metadata

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


class SlackOption(VendorModel):
    value: str


class SlackAction(VendorModel):
    action_id: Id
    action_ts: Id
    block_id: str | None = None
    value: str | None = None
    selected_option: SlackOption | None = None


class BlockActions(VendorModel):
    type: Literal["block_actions"]
    user: SlackUser
    container: SlackContainer
    trigger_id: Id | None = None
    response_url: Name | None = None
    actions: list[SlackAction] = Field(min_length=1)


class SlackView(VendorModel):
    id: Id
    hash: Id | None = None
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] = Field(default_factory=dict)


class ViewSubmission(VendorModel):
    type: Literal["view_submission"]
    user: SlackUser
    view: SlackView


class _Interaction(VendorModel):
    type: Id
    trigger_id: Id | None = None


class SlackActionsSender:
    name = "slack"
    content_types: tuple[str, ...] = ("application/x-www-form-urlencoded",)
    accepted_status = 200  # Slack's interactivity contract: a 200 within 3 s

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_slack(signed_request(delivery), configured_secrets(secrets, "signing", self.name), now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        payload = _payload(delivery.body)
        kind = validate(_Interaction, payload, "payload")
        if kind.type == "view_submission" and payload.get("view", {}).get("callback_id") == CALLBACK_ID:
            return [_confirmation(validate(ViewSubmission, payload, "payload"), delivery)]
        if kind.type == "view_submission" and payload.get("view", {}).get("callback_id") in case_forms.CALLBACKS:
            return [_case_form(validate(ViewSubmission, payload, "payload"), delivery)]
        if kind.type != "block_actions":
            key = dedupe_key(kind.type, kind.trigger_id or hashlib.sha256(delivery.body).hexdigest()[:32])
            ignored = f"payload type {kind.type} is not routed"
            return [Inbound(key, [], ignored=ignored, empty_answer=kind.type == "view_submission")]
        click = validate(BlockActions, payload, "payload")
        anchor = click.container.message_ts or click.container.view_id
        if not anchor:
            raise UnusableBodyError("payload.container has neither message_ts nor view_id")
        message_ref = None
        if click.container.message_ts and click.container.channel_id:
            message_ref = f"{click.container.channel_id}:{click.container.message_ts}"
        actor = _actor(click.user)
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
            target, argument = _target_and_argument(action, where)
            with translating(where):
                taken = ActionTaken(
                    meta=delivery.meta(key),
                    action=action.action_id,  # checked against ACTION_NAMES above
                    actor=actor,
                    target=target,
                    argument=argument,
                    response_url=click.response_url or None,
                    message_ref=message_ref,
                    trigger_id=click.trigger_id,
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


def _actor(user: SlackUser) -> Actor:
    return Actor(id=user.id, name=user.username or user.name or None, via="slack")


def _target_and_argument(action: SlackAction, where: str) -> tuple[Target, str | None]:
    if action.action_id in SELECT_ACTIONS:  # a select: the label is the option, the target the block
        if action.selected_option is None:
            raise UnusableBodyError(f"{where}.selected_option is missing")
        target = target_from_block_id(action.block_id or "")
        if target is None:
            raise UnusableBodyError(f"{where}.block_id {action.block_id!r} does not name a target")
        return target, action.selected_option.value
    if not action.value:
        raise UnusableBodyError(f"{where}.value is missing: it must hold the target JSON")
    try:
        return decode_value(action.value)
    except InvalidInputError as err:
        cause = err.__cause__
        reason = describe(cause) if isinstance(cause, ValidationError) else "not JSON"
        raise UnusableBodyError(f"{where}.value is not a target: {reason}") from err


def _confirmation(submitted: ViewSubmission, delivery: WebhookDelivery) -> Inbound:
    view = submitted.view
    try:
        target, profile_id, message_ref, response_url = read_metadata(view.private_metadata)
    except InvalidInputError as err:
        raise UnusableBodyError(f"payload.view.private_metadata: {err}") from err
    chosen = view.state.get("values", {}).get(CHOICE_BLOCK, {}).get(CHOICE_ACTION, {}).get("selected_option")
    if not isinstance(chosen, dict) or not isinstance(chosen.get("value"), str):
        raise UnusableBodyError("payload.view.state has no chosen contact")
    key = dedupe_key("view", view.id, view.hash or "")
    with translating("payload.view"):
        taken = ActionTaken(
            meta=delivery.meta(key),
            action="confirm_link",
            actor=_actor(submitted.user),
            target=target,
            argument=f"{profile_id}|crm:{chosen['value']}",
            response_url=response_url,
            message_ref=message_ref,
        )
    return Inbound(key, [taken], empty_answer=True)  # an empty 200 closes the modal


def _case_form(submitted: ViewSubmission, delivery: WebhookDelivery) -> Inbound:
    view = submitted.view
    try:
        action, target, argument, message_ref, response_url = case_forms.read_submission(
            view.callback_id, view.private_metadata, view.state
        )
    except InvalidInputError as err:
        raise UnusableBodyError(f"payload.view: {err}") from err
    key = dedupe_key("view", view.id, view.hash or "")
    with translating("payload.view"):
        taken = ActionTaken(
            meta=delivery.meta(key),
            action=action,
            actor=_actor(submitted.user),
            target=target,
            argument=argument,
            response_url=response_url,
            message_ref=message_ref,
        )
    return Inbound(key, [taken], empty_answer=True)  # an empty 200 closes the modal
