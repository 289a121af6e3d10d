"""Who may do what: the people directory (YAML, packaged; an SSM parameter may replace it).

:meth:`Directory.authorise` answers a click: the :class:`Person` behind a Slack user id or an
e-mail address, or :class:`NotAllowed` saying why not and where to ask. The consumer that owns
the target checks it before it changes anything.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from talkworthy.catalog.actions import ActionName, Actor, Target

__all__ = ["Directory", "DirectoryError", "NotAllowed", "Person", "Team", "load_default_directory", "load_directory"]

Kind = Literal["case", "mention", "idea", "profile", "lead", "incident"]


class DirectoryError(ValueError):
    """The document is not a valid people directory."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Model):
    name: str
    slack: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,30}$")
    email: str | None = None
    role: str
    crm_user: str


class Team(_Model):
    """A team an owner can bring into a case: its context is posted in the team's channel."""

    name: str
    channel: str = Field(pattern=r"^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$")


class NotAllowed(_Model):
    reason: str


class Directory(_Model):
    version: Literal[1]
    ask: str = Field(min_length=1, description="where a refused person is told to ask")
    roles: dict[str, dict[Kind, list[ActionName]]]
    people: list[Person]
    teams: list[Team] = []

    @model_validator(mode="after")
    def _unique_people(self) -> Directory:
        for attribute in ("slack", "email"):
            values = [getattr(p, attribute).lower() for p in self.people if getattr(p, attribute)]
            if len(values) != len(set(values)):
                raise ValueError(f"two people share one {attribute}")
        return self

    def find(self, actor: Actor) -> Person | None:
        wanted = actor.id.lower()
        for person in self.people:
            known = person.slack if actor.via == "slack" else person.email
            if known and known.lower() == wanted:
                return person
        return None

    def authorise(self, actor: Actor, action: ActionName, target: Target) -> Person | NotAllowed:
        person = self.find(actor)
        who = actor.name or actor.id
        if person is None:
            return NotAllowed(reason=f"{who} is not in Talkworthy's people directory; ask {self.ask}")
        allowed = self.roles.get(person.role, {}).get(target.kind, [])
        if action not in allowed:
            return NotAllowed(
                reason=f"you can't {action.replace('_', ' ')} a {target.kind} as {person.role.replace('_', ' ')}; "
                f"ask {self.ask}"
            )
        return person


def load_directory(text: str) -> Directory:
    try:
        return Directory.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as err:
        raise DirectoryError(f"not a people directory: {err}") from err


@cache
def load_default_directory() -> Directory:
    return load_directory(resources.files("talkworthy.people").joinpath("people.yaml").read_text(encoding="utf-8"))
