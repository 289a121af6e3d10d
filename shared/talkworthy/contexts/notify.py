"""The notify context: everything sent to a person (Slack, paced per channel; e-mail with signed links).

``Action.Requested`` is sent; ``Action.Completed`` updates the message it was about (or tells a
refused actor why). While a surge is open for a topic, routine notifications about it are folded
into one incident digest per channel, updated in place (``usecases/digest.py``); ``Surge.*``
updates the digests. Idempotent under redelivery: each ``Action.Requested`` is sent at most once
per event key (Powertools idempotency on DynamoDB, see ``usecases/notify.py``); an update is
rendered from stored state with each note once per event key (``usecases/show_outcome.py``); a
fold is written once per event key and a digest rendered from stored state (``usecases/digest.py``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import (
    ActionCompleted,
    ActionRequested,
    ActionTaken,
    Detail,
    SurgeDetected,
    SurgeResolved,
    SurgeUpdated,
    utc_now,
)
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import NotifySettings
from talkworthy.usecases.acting import act_as
from talkworthy.usecases.digest import INCIDENT_ACTIONS, fold_into_digest, show_surge
from talkworthy.usecases.notify import send_notification
from talkworthy.usecases.show_outcome import show_outcome

if TYPE_CHECKING:
    from talkworthy.idempotency import Once
    from talkworthy.notify.email import EmailPort
    from talkworthy.notify.incidents import IncidentStore
    from talkworthy.notify.links import ActionLinkSigner
    from talkworthy.notify.messages import SentMessages
    from talkworthy.notify.slack import ChatPort
    from talkworthy.people import Directory, Person

__all__ = ["HANDLERS", "NotifyPorts"]


class NotifyPorts:
    def __init__(self, config: NotifySettings) -> None:
        self.config = config

    @cached_property
    def chat(self) -> ChatPort:
        return c.chat(self.config)

    @cached_property
    def email(self) -> EmailPort:
        return c.email(self.config.email_sender)

    @cached_property
    def links(self) -> ActionLinkSigner:
        return c.link_signer(self.config.action_link_key)

    @cached_property
    def messages(self) -> SentMessages:
        return c.sent_messages(self.config.mesh_table)

    @cached_property
    def incidents(self) -> IncidentStore:
        return c.incidents(self.config.mesh_table)

    @property
    def people(self) -> Directory:
        return c.people(self.config.people_parameter).current()  # the override is re-read every minute

    @cached_property
    def once(self) -> Once:
        return c.once(self.config.idempotency_table)


def _quiet(arrival: Arrival, ports: NotifyPorts) -> bool:
    """A replay tells nobody unless the stack allows it or the operator asked (``replay --notify``)."""
    return arrival.is_replay and not (ports.config.notify_on_replay or arrival.replay_notifies)


def send(request: ActionRequested, ports: NotifyPorts, arrival: Arrival) -> Sequence[Detail]:
    if _quiet(arrival, ports):
        return []
    if fold_into_digest(request, incidents=ports.incidents, chat=ports.chat, messages=ports.messages, now=time.time()):
        return []
    send_notification(
        request,
        arrival,
        chat=ports.chat,
        email=ports.email,
        links=ports.links,
        links_base_url=ports.config.public_base_url,
        once=ports.once,
        messages=ports.messages,
        now=time.time(),
        notify_on_replay=ports.config.notify_on_replay,
    )
    return []


def update_message(done: ActionCompleted, ports: NotifyPorts, arrival: Arrival) -> Sequence[Detail]:
    show_outcome(done, chat=ports.chat, messages=ports.messages, email=ports.email)
    return []


def surge(
    event: SurgeDetected | SurgeUpdated | SurgeResolved, ports: NotifyPorts, arrival: Arrival
) -> Sequence[Detail]:
    if _quiet(arrival, ports):
        return []
    show_surge(event, incidents=ports.incidents, chat=ports.chat, messages=ports.messages)
    return []


def incident_action(event: ActionTaken, ports: NotifyPorts, arrival: Arrival) -> Sequence[Detail]:
    """Acknowledge / I own this incident on a digest: authorised, then its Action.Completed adds the
    note to the digest (once per event key) like any action; the digest is notify's own data. The
    owner is kept on the incident too (`talkworthy status` names them)."""

    def perform(person: Person) -> Sequence[Detail]:
        if event.action == "assign_owner":
            ports.incidents.set_owner(event.target.id, person.name)
        return []

    return act_as(event, ports.people, at=utc_now(), producer="talkworthy.notify", perform=perform)


HANDLERS = HandlerMap[NotifyPorts](
    on(ActionRequested, send),
    on(ActionCompleted, update_message),
    on(SurgeDetected, surge),
    on(SurgeUpdated, surge),
    on(SurgeResolved, surge),
    on(ActionTaken, incident_action, where={"action": list(INCIDENT_ACTIONS), "target": {"kind": ["incident"]}}),
)
