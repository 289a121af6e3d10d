"""The action loop: what a person is asked to do, and what they did."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["ActionRequested", "ActionTaken", "Actor", "Target"]

ActionName = Literal[
    "claim",
    "escalate",
    "mark_lead",
    "link_contact",
    "dismiss",
    "accept",
    "merge",
    "decline",
    # retention outcomes on a customer (target kind ``profile``), handled by the customers context
    "retention_done",
    "not_at_risk",
    "snooze_14d",
    "unmerge",  # undo a merge of two ideas (the ideas context)
]


class Target(_Model):
    kind: Literal["case", "mention", "idea", "profile", "lead"]
    id: str
    system: str | None = None
    related: str | None = Field(
        default=None, max_length=200, description="a second record the action involves: the idea to merge into"
    )


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


class Actor(_Model):
    id: str
    name: str | None = None
    via: Literal["slack", "email"]


class ActionTaken(Detail):
    DETAIL_TYPE = "Action.Taken"
    action: ActionName
    actor: Actor
    target: Target
    response_url: str | None = None
    message_ref: str | None = Field(default=None, description="channel:ts of the message clicked")
