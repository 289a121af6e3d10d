"""A case file: the outcome the customer needs and everything done toward it.

Adaptive, not a script: the owner brings people in and adds next steps as the case unfolds; the
case ends when its goal is met, i.e. the ticket is solved *and* the customer has been told
(:meth:`CaseFile.goal_met`), in whichever order the two halves arrive.

Every change names the event that made it (``key``), so a redelivered event finds its change
already there and changes nothing; the events it caused are rebuilt from the stored change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.catalog.cases import RecordRef

__all__ = ["DEFAULT_GOAL", "CaseFile", "Decision", "LoopOutcome", "Participant", "Step"]

DEFAULT_GOAL = "The customer's problem is solved and they hear back where they asked"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Participant(_Model):
    """Someone brought in: a person from the people directory (a DM) or a team channel (a post)."""

    kind: Literal["person", "team"]
    name: str
    slack: str = Field(description="the person's Slack user id, or the team's channel")
    added_by: str
    at: datetime
    key: str


class Step(_Model):
    step_id: str
    text: str = Field(max_length=300)
    assignee: str
    assignee_slack: str | None = None
    due: datetime
    added_by: str
    at: datetime
    key: str
    done_by: str | None = None
    done_at: datetime | None = None
    done_key: str | None = None


class Decision(_Model):
    """What someone decided on the case, in words ("Took ownership", "Goal changed to …")."""

    text: str = Field(max_length=500)
    by: str
    at: datetime
    key: str


class LoopOutcome(_Model):
    """Whether the customer was told (``Loop.Closed``)."""

    told: bool
    channel: str | None = None
    reply_url: str | None = None
    suppressed: str | None = None
    at: datetime
    key: str


class CaseFile(_Model):
    case: RecordRef
    goal: str = Field(max_length=300)
    goal_from: str = Field(description="the routing rule the goal came from, or who changed it")
    channel: str | None = Field(default=None, description="where the case's message was posted")
    priority: str = "normal"
    subject: str = ""
    owner: str | None = None
    owner_slack: str | None = None
    deadline: datetime | None = None
    participants: list[Participant] = []
    steps: list[Step] = []
    decisions: list[Decision] = []
    solved_at: datetime | None = None
    solved_by: str | None = Field(default=None, description="who or which system solved the ticket")
    solved_key: str | None = None
    loop: LoopOutcome | None = None
    state: Literal["open", "goal_met"] = "open"
    goal_met_at: datetime | None = None
    goal_met_key: str | None = None
    opened_key: str
    version: int = 0

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.step_id == step_id), None)

    def knows(self, key: str) -> bool:
        """Whether the event ``key`` already changed this file (a redelivery)."""
        keys: set[str | None] = {entry.key for entry in self.participants}
        keys |= {step.key for step in self.steps} | {step.done_key for step in self.steps}
        keys |= {decision.key for decision in self.decisions}
        keys |= {self.solved_key, self.goal_met_key, self.opened_key, self.loop.key if self.loop else None}
        return key in keys

    @property
    def goal_met(self) -> bool:
        """The ticket solved and the customer told: the case is over."""
        return self.solved_at is not None and self.loop is not None and self.loop.told
