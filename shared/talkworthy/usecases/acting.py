"""Any context's way to do what a person clicked: ask the people directory, do it, tell notify.

The context that owns a target performs its actions; all of them answer the same way: someone
not allowed gets a refusal (an ephemeral answer, logged with the actor) and nothing changes;
otherwise the work is done and ``Action.Completed`` tells notify to update the message that was
clicked ("Accepted by Priya Shah", the buttons that no longer apply removed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal

from talkworthy.actions import done_note
from talkworthy.catalog import ActionCompleted, ActionTaken, Detail
from talkworthy.people import Directory, NotAllowed, Person

__all__ = ["Outcome", "act_as", "completed", "refusal"]

logger = logging.getLogger(__name__)
Outcome = Literal["done", "vetoed", "refused"]


def completed(
    taken: ActionTaken, outcome: Outcome, note: str, *, at: datetime, producer: str, argument: str | None = None
) -> ActionCompleted:
    return ActionCompleted(
        meta=taken.meta.derive(producer, "completed"),
        action=taken.action,
        outcome=outcome,
        note=note[:1000],
        actor=taken.actor,
        target=taken.target,
        at=at,
        argument=argument,
        response_url=taken.response_url,
        message_ref=taken.message_ref,
    )


def refusal(taken: ActionTaken, verdict: NotAllowed, *, at: datetime, producer: str) -> ActionCompleted:
    logger.warning(
        "action refused",
        extra={"actor": taken.actor.id, "via": taken.actor.via, "action": taken.action, "target": taken.target.id},
    )
    return completed(taken, "refused", verdict.reason, at=at, producer=producer)


def act_as(
    taken: ActionTaken,
    people: Directory,
    *,
    at: datetime,
    producer: str,
    perform: Callable[[Person], Sequence[Detail]],
) -> list[Detail]:
    """Authorise ``taken``'s actor, run ``perform`` as them, and say it was done."""
    verdict = people.authorise(taken.actor, taken.action, taken.target)
    if isinstance(verdict, NotAllowed):
        return [refusal(taken, verdict, at=at, producer=producer)]
    events = list(perform(verdict))
    return [completed(taken, "done", done_note(taken.action, verdict.name), at=at, producer=producer), *events]
