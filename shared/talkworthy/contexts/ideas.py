"""The ideas context: one identity per idea, near-duplicates proposed for merging, people told.

``Idea.Submitted`` stores the idea, finds similar ones and asks the product owner (Accept / Merge /
Decline) while thanking the submitter; ``Idea.Voted`` adds a voter; ``Idea.StatusChanged`` updates
the idea and the ones merged into it and tells each of their people once; ``Action.Taken`` on an
idea applies the product owner's decision. Idempotency is described in ``usecases/ideas.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import ActionTaken, Detail, IdeaStatusChanged, IdeaSubmitted, IdeaVoted, utc_now
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import IdeasSettings
from talkworthy.usecases.acting import act_as

if TYPE_CHECKING:
    from talkworthy.people import Directory, Person
    from talkworthy.usecases.ideas import IdeaDeps

__all__ = ["DECISIONS", "HANDLERS", "IdeasPorts"]

DECISIONS = ["accept", "decline", "merge", "unmerge"]


class IdeasPorts:
    def __init__(self, config: IdeasSettings) -> None:
        self.config = config

    @property
    def people(self) -> Directory:
        return c.people(self.config.people_parameter).current()  # the override is re-read every minute

    @cached_property
    def deps(self) -> IdeaDeps:
        from talkworthy.usecases.ideas import IdeaDeps

        return IdeaDeps(
            store=c.idea_store(self.config.mesh_table),
            deduper=c.idea_deduper(self.config.mesh_table),
            identities=c.identity_graph(self.config.mesh_table),
            canny=lambda: c.canny_api(self.config),
            product_channel=self.config.product_channel,
            canny_changer_id=self.config.canny_changer_id,
            now=utc_now,
        )


def submitted(event: IdeaSubmitted, ports: IdeasPorts, arrival: Arrival) -> Sequence[Detail]:
    from talkworthy.usecases.ideas import submit

    return submit(event, ports.deps)


def voted(event: IdeaVoted, ports: IdeasPorts, arrival: Arrival) -> Sequence[Detail]:
    from talkworthy.usecases.ideas import vote

    return vote(event, ports.deps)


def status_changed(event: IdeaStatusChanged, ports: IdeasPorts, arrival: Arrival) -> Sequence[Detail]:
    from talkworthy.usecases.ideas import status_changed as change

    return change(event, ports.deps)


def decided(event: ActionTaken, ports: IdeasPorts, arrival: Arrival) -> Sequence[Detail]:
    """A product owner's click (accept, merge, decline, unmerge): authorised, done, and shown in Slack."""
    from talkworthy.usecases.ideas import decide

    def perform(_person: Person) -> Sequence[Detail]:
        return decide(event, ports.deps)

    return act_as(event, ports.people, at=utc_now(), producer="talkworthy.ideas", perform=perform)


HANDLERS = HandlerMap[IdeasPorts](
    on(IdeaSubmitted, submitted),
    on(IdeaVoted, voted),
    on(IdeaStatusChanged, status_changed),
    on(ActionTaken, decided, where={"action": DECISIONS, "target": {"kind": ["idea"]}}),
)
