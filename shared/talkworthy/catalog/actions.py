"""The action loop: what a person is asked to do, what they did, and what came of it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["ActionCompleted", "ActionName", "ActionRequested", "ActionTaken", "Actor", "DigestHint", "Target"]

ActionName = Literal[
    "claim",
    "escalate",
    "mark_lead",
    "link_contact",
    "confirm_link",
    "undo_link",
    "dismiss",
    "reclassify",
    "accept",
    "merge",
    "decline",
    "unmerge",  # undo a merge of two ideas (the ideas context)
    # retention outcomes on a customer (target kind ``profile``), handled by the customers context
    "retention_done",
    "not_at_risk",
    "snooze_14d",
    # a surge's incident digest (target kind ``incident``), handled by the community context
    "acknowledge",
    "assign_owner",
    # the case file (target kind ``case``; a step's id rides in ``Target.related``), the cases context
    "bring_in",
    "add_step",
    "step_done",
    "set_goal",
    "resolve",
]


class Target(_Model):
    kind: Literal["case", "mention", "idea", "profile", "lead", "incident"]
    id: str
    system: str | None = None
    related: str | None = Field(
        default=None, max_length=200, description="a second record the action involves: the idea to merge into"
    )


class DigestHint(_Model):
    """On a routine notification (no VIP, nothing urgent, no tight SLA): while its topic has an open
    surge, notify folds it into that surge's incident digest instead of posting it on its own."""

    topic: str = Field(description="<brand>/<intent>, as the community context counts it")
    who: str = Field(max_length=300)
    influence: int = Field(ge=0, le=100)
    sentiment: str = Field(description="negative, neutral, positive or mixed")


class ActionRequested(Detail):
    """Ask a person to act: rendered as Slack Block Kit or an email with signed links."""

    DETAIL_TYPE = "Action.Requested"
    channel: Literal["slack", "email"]
    audience: str = Field(description="Slack channel id, or an e-mail address")
    headline: str = Field(max_length=300)
    body: str = Field(max_length=3000)
    facts: dict[str, str] = Field(default_factory=dict, description="label -> value shown as context")
    target: Target
    actions: list[ActionName]
    link: str | None = None
    intent: str | None = Field(default=None, description="the predicted intent label (offers reclassify)")
    digest: DigestHint | None = Field(default=None, description="may be folded into an open surge's digest")
    placement: Literal["message", "thread", "copy", "update"] = Field(
        default="message",
        description=(
            "message: the target's own message (found by its target later); thread: a reply in the thread of"
            " the target's message; copy: a message about the target elsewhere (a DM, a team channel), not"
            " its own; update: the target's message gets the headline as a note and keeps only `actions`"
        ),
    )


class Actor(_Model):
    id: str
    name: str | None = None
    via: Literal["slack", "email"]


class ActionTaken(Detail):
    DETAIL_TYPE = "Action.Taken"
    action: ActionName
    actor: Actor
    target: Target
    argument: str | None = Field(
        default=None, max_length=500, description="what the action needs beyond its target (a label, a link)"
    )
    response_url: str | None = None
    message_ref: str | None = Field(default=None, description="channel:ts of the message clicked")
    trigger_id: str | None = Field(default=None, description="Slack's trigger for opening a modal (valid 3 s)")


class ActionCompleted(Detail):
    """What the context owning the target did about an ``Action.Taken``; notify updates the message.

    ``outcome``: ``done`` (the message says so and loses the buttons that no longer apply),
    ``vetoed`` (not done for a stated reason, shown in the message), ``refused`` (the actor may not
    do it: an ephemeral answer to them alone, the message unchanged).
    """

    DETAIL_TYPE = "Action.Completed"
    action: ActionName
    outcome: Literal["done", "vetoed", "refused"]
    note: str = Field(max_length=1000, description="what happened, in words: 'Claimed by Alice Care'")
    actor: Actor
    target: Target
    at: datetime
    argument: str | None = Field(default=None, max_length=500, description="for the follow-up button (undo)")
    response_url: str | None = None
    message_ref: str | None = None
