"""Action.Requested → a Slack message with buttons, or an e-mail with signed expiring links.

A Slack message is kept (``notify/messages.py``) so an action on it can update it later. Where it
goes follows ``placement``: the target's own message (found by its target later), a reply in
that message's thread (a case's thread: waits, retried, until the message is posted; nothing
when that message was folded into a surge's incident digest), a copy
elsewhere (a DM, a team channel), or an update of the target's message (a note, the buttons left).

Sent at most once per event key; a replayed event (an archive replay, or ``talkworthy replay``
from the raw archive, and whatever it leads to) notifies nobody unless replays are allowed
(``notify_on_replay``) or the operator asked (``talkworthy replay --notify``), so recovering
events never floods people with old news.
"""

from __future__ import annotations

import logging

from talkworthy.actions import email_actions
from talkworthy.catalog import ActionRequested
from talkworthy.consumer import Arrival
from talkworthy.errors import RetryableError
from talkworthy.idempotency import Once
from talkworthy.notify import ActionLinkSigner, ChatPort, EmailPort, render_email, render_slack
from talkworthy.notify.blocks import actions_block, render_update
from talkworthy.notify.messages import Note, SentMessage, SentMessages
from talkworthy.notify.slack import MessageRef

logger = logging.getLogger(__name__)

THREAD_WAIT = 5.0  # seconds before a thread reply looks again for the message it belongs under

__all__ = ["send_notification"]


def send_notification(
    request: ActionRequested,
    arrival: Arrival,
    *,
    chat: ChatPort,
    email: EmailPort,
    links: ActionLinkSigner,
    links_base_url: str,
    once: Once,
    messages: SentMessages,
    now: float,
    notify_on_replay: bool = False,
) -> str | None:
    """Return the Slack message ref or e-mail id, or None when nothing was sent."""
    if arrival.is_replay and not (notify_on_replay or arrival.replay_notifies):
        return None

    def send() -> dict[str, str | None]:
        if request.channel == "slack":
            return {"sent": _post(request, chat, messages)}
        urls = links.links(links_base_url, email_actions(request.actions), request.target, request.audience, now)
        subject, text, html = render_email(request, urls)
        return {"sent": email.send(request.audience, subject, text, html)}

    result, ran = once.run(f"notify:{request.meta.event_key}", send, arrival.lambda_context)
    return result["sent"] if ran else None


def _post(request: ActionRequested, chat: ChatPort, messages: SentMessages) -> str | None:
    if request.placement in ("thread", "update"):
        home = messages.of_target(request.target)
        if home is None:
            surge = messages.folded_into(request.target)
            if surge is not None:  # its message is a line in the incident digest: no thread to reply in
                logger.info("not posted: the target was folded into incident digest %s", surge)
                return None
            raise RetryableError(f"the {request.target.kind}'s message is not posted yet", retry_after=THREAD_WAIT)
        if request.placement == "update":
            return _update(request, home, chat, messages)
        where = MessageRef.parse(home.ref)
        channel, thread_ts = where.channel, where.ts
    else:
        channel, thread_ts = request.audience, None
    text, blocks = render_slack(request)
    ref = str(chat.post(channel, text, blocks, thread_ts))
    sent = SentMessage(
        ref=ref,
        text=text,
        blocks=blocks,
        target=request.target,
        actions=request.actions,
        intent=request.intent,
        placement=request.placement,
    )
    messages.put(sent)
    return ref


def _update(request: ActionRequested, home: SentMessage, chat: ChatPort, messages: SentMessages) -> str:
    note = Note(event_key=request.meta.event_key, text=f"{request.headline} · {request.meta.occurred_at:%H:%M} UTC")
    notes = home.notes if any(n.event_key == note.event_key for n in home.notes) else [*home.notes, note]
    updated = home.model_copy(update={"notes": notes, "actions": request.actions})
    buttons = actions_block(updated.target, updated.actions, intent=updated.intent, argument=updated.argument)
    chat.update(
        MessageRef.parse(home.ref), home.text, render_update(home.blocks, [(n.text, n.user_id) for n in notes], buttons)
    )
    messages.put(updated)
    return home.ref
