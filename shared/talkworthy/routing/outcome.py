"""What a rule does when it matches: action, priority, SLA, who to notify. Shared by rules and policy.

An SLA is written either as an ISO-8601 duration in days/hours/minutes/seconds (``PT1H``,
``PT30M``, ``P1D``, ``P1DT12H``; years and months are refused, their length is ambiguous) or as
``{minutes: N}``. Either way the model holds a positive :class:`datetime.timedelta`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from talkworthy.catalog.cases import Priority
from talkworthy.routing.decision import Action, Decision, describe_sla

__all__ = ["NotifyTarget", "Outcome", "Sla", "parse_sla"]

_ISO_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_VERBS = {
    "open_case": "open a case",
    "flag_lead": "flag a lead",
    "file_idea": "file an idea",
    "triage": "ask a person to check the intent",
    "ignore": "log only",
}
_SLACK_CHANNEL = r"^(#?[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def parse_sla(value: Any) -> timedelta:
    """``PT4H`` or ``{minutes: 240}`` → ``timedelta(hours=4)``; anything else is a ValueError."""
    if isinstance(value, timedelta):
        delta = value
    elif isinstance(value, str):
        found = _ISO_DURATION.match(value)
        parts = {unit: int(n) for unit, n in found.groupdict().items() if n} if found else {}
        if not parts or value.endswith("T"):
            raise ValueError(f"sla {value!r} is not an ISO-8601 duration like PT1H, PT30M or P1D")
        delta = timedelta(**parts)
    elif isinstance(value, dict):
        if set(value) != {"minutes"} or type(value["minutes"]) is not int:
            raise ValueError(f"sla {value!r} must be {{minutes: <whole number>}} or a duration like PT1H")
        delta = timedelta(minutes=value["minutes"])
    else:
        raise ValueError(f"sla {value!r} must be a duration like PT1H or {{minutes: N}}")
    if delta <= timedelta(0):
        raise ValueError(f"sla {value!r} must be longer than zero")
    return delta


Sla = Annotated[timedelta, BeforeValidator(parse_sla)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NotifyTarget(_Strict):
    """Where to tell a person: a Slack channel (id like ``C0123ABCD`` or name) and/or an e-mail."""

    channel: str | None = Field(default=None, pattern=_SLACK_CHANNEL)
    email: str | None = Field(default=None, pattern=_EMAIL, max_length=320)

    @model_validator(mode="after")
    def _somewhere(self) -> NotifyTarget:
        if self.channel is None and self.email is None:
            raise ValueError("notify needs a channel or an email")
        return self


class Outcome(_Strict):
    """The 'then' part of a rule; also the shape of the rules document's ``default``."""

    action: Action
    priority: Priority = "normal"
    sla: Sla | None = None
    notify: NotifyTarget | None = None
    tags: tuple[str, ...] = Field(default=(), description="e.g. [sales]: outreach the contact policy governs")
    goal: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="open_case: the outcome the customer needs, the case file's goal (the owner may change it)",
    )

    @model_validator(mode="after")
    def _complete(self) -> Outcome:
        if self.action == "open_case" and self.sla is None:
            raise ValueError("action open_case needs an sla (e.g. PT4H or {minutes: 240})")
        if self.action in {"notify", "triage"} and self.notify is None:
            raise ValueError(f"action {self.action} needs a notify target ({{channel: ..., email: ...}})")
        return self

    def describe(self) -> str:
        """``open an urgent case (SLA 1h), notify #customer-care``: the 'then' part of an explanation."""
        where = (self.notify.channel, self.notify.email) if self.notify else ()
        targets = " and ".join(t for t in where if t)
        if self.action == "notify":
            return f"notify {targets}"
        what = _VERBS[self.action]
        if self.action == "open_case" and self.sla is not None:
            article = "an" if self.priority == "urgent" else "a"
            what = f"open {article} {self.priority} case (SLA {describe_sla(self.sla)})"
        return f"{what}, notify {targets}" if targets else what

    def decide(self, rule: str, explanation: str, **context: Any) -> Decision:
        """This outcome as the :class:`Decision` of ``rule``; ``context`` fills the remaining fields."""
        return Decision(
            rule=rule,
            action=self.action,
            priority=self.priority,
            sla=self.sla,
            notify_channel=self.notify.channel if self.notify else None,
            notify_email=self.notify.email if self.notify else None,
            tags=self.tags,
            explanation=explanation,
            **context,
        )
