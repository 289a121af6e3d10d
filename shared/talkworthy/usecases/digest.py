"""While a surge is open, routine notifications about its topic become one incident message per channel.

- ``Action.Requested`` with a digest hint (routing sets it on routine notifications only) whose
  topic has an open surge is *folded*: recorded under the channel's digest, not posted. The case
  or lead it is about was already opened by routing; nothing is dropped: the digest lists it.
- The digest is posted on the first fold in a channel and then updated in place, at most every
  :data:`RENDER_EVERY` seconds per channel from folds, and on every ``Surge.*`` event (a surge
  updates once a bucket, so the last folds of a minute show within a bucket at worst).
- ``Surge.Resolved`` renders the final digest; later notifications post one by one again.

The digest is an ``incident`` target with Acknowledge / I own this incident buttons; notify
performs the click itself (the digest is its data), and the ``Action.Completed`` updates the digest through the
stored message like any other (``usecases/show_outcome.py``); each render keeps those notes.

Idempotent under redelivery: a fold is written only if its row is absent (one transaction with
the counters); rendering is a function of the stored digest, so rendering again changes nothing.
"""

from __future__ import annotations

from talkworthy.actions import OFFERED
from talkworthy.catalog import ActionRequested, SurgeResolved, Target
from talkworthy.notify.blocks import actions_block, render_update
from talkworthy.notify.digest_blocks import render_digest
from talkworthy.notify.incidents import Fold, IncidentStore, Surge
from talkworthy.notify.messages import SentMessage, SentMessages
from talkworthy.notify.slack import ChatPort, MessageRef

__all__ = ["INCIDENT_ACTIONS", "RENDER_EVERY", "fold_into_digest", "incident_target", "show_surge"]

RENDER_EVERY = 60.0
INCIDENT_ACTIONS = OFFERED["incident"]


def incident_target(surge_id: str) -> Target:
    return Target(kind="incident", id=surge_id, system="surge")


def fold_into_digest(
    request: ActionRequested,
    *,
    incidents: IncidentStore,
    chat: ChatPort,
    messages: SentMessages,
    now: float,
    every: float = RENDER_EVERY,
) -> bool:
    """True when the request was folded into an open surge's digest (and so must not be posted)."""
    hint = request.digest
    if request.channel != "slack" or hint is None:
        return False
    found = incidents.surge(hint.topic)
    if found is None or isinstance(found[0], SurgeResolved):
        return False
    surge = found[0]
    fold = Fold(
        event_key=request.meta.event_key,
        who=hint.who,
        url=request.link,
        influence=hint.influence,
        sentiment=hint.sentiment,
        target_kind=request.target.kind,
        at=request.meta.occurred_at.timestamp(),
    )
    incidents.fold(surge.surge_id, request.audience, fold)  # False on a redelivery: already in the digest
    if request.placement == "message":  # its thread replies and updates (a case file) have no message to go to
        messages.fold(request.target, surge.surge_id)
    if incidents.claim_render(surge.surge_id, request.audience, now, every):
        _render(surge, request.audience, incidents=incidents, chat=chat, messages=messages)
    return True


def show_surge(surge: Surge, *, incidents: IncidentStore, chat: ChatPort, messages: SentMessages) -> int:
    """Record the surge's latest figures and update each channel's digest; returns the digests updated."""
    incidents.record(surge)
    found = incidents.surge(surge.topic)
    if found is None or found[0].surge_id != surge.surge_id:
        return 0
    latest, channels = found  # a redelivered older event renders the newest state
    for channel in sorted(channels):
        _render(latest, channel, incidents=incidents, chat=chat, messages=messages)
    return len(channels)


def _render(surge: Surge, channel: str, *, incidents: IncidentStore, chat: ChatPort, messages: SentMessages) -> None:
    state, folds = incidents.digest(surge.surge_id, channel)
    text, base = render_digest(surge, state, folds)
    target = incident_target(surge.surge_id)
    stored = messages.get(state.ref) if state.ref else None
    offered = [] if isinstance(surge, SurgeResolved) else list(OFFERED["incident"])
    actions = [a for a in (stored.actions if stored else offered) if a in offered]
    notes = [(note.text, note.user_id) for note in stored.notes] if stored else []
    blocks = render_update(base, notes, actions_block(target, actions))
    if state.ref is None:
        ref = str(chat.post(channel, text, blocks))
        incidents.posted(surge.topic, surge.surge_id, channel, ref)
        messages.put(SentMessage(ref=ref, text=text, blocks=base, target=target, actions=actions))
        return
    chat.update(MessageRef.parse(state.ref), text, blocks)
    current = stored or SentMessage(ref=state.ref, text=text, blocks=base, target=target, actions=actions)
    messages.put(current.model_copy(update={"text": text, "blocks": base, "actions": actions}))
