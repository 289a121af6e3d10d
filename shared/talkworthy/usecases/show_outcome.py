"""Action.Completed → the original message updated in place, or a refusal told to the actor alone.

- ``done`` / ``vetoed``: the Slack message notify posted (found by ``message_ref``, or by its target
  when the click came from an e-mail) gets a line saying who did what and when, and keeps only
  the buttons that still apply (``actions.after``). Without a stored message, the note goes to
  the ``response_url``.
- ``refused``: an ephemeral answer through the ``response_url`` (only the clicker sees it), or an
  e-mail to whoever clicked an e-mail link. The message is not touched.

Idempotent under redelivery: a note is added once per event key, and the message is rendered
from the stored state, so a second delivery updates it to the same blocks.
"""

from __future__ import annotations

import html

from talkworthy.actions import after
from talkworthy.catalog import ActionCompleted
from talkworthy.notify.blocks import actions_block, render_update
from talkworthy.notify.email import EmailPort
from talkworthy.notify.messages import Note, SentMessage, SentMessages
from talkworthy.notify.slack import ChatPort, MessageRef

__all__ = ["show_outcome"]


def show_outcome(done: ActionCompleted, *, chat: ChatPort, messages: SentMessages, email: EmailPort) -> str:
    """What was done: ``updated``, ``responded``, ``refused`` or ``nothing``."""
    if done.outcome == "refused":
        text = f"You can't do that: {done.note}"
        if done.response_url:
            chat.respond(done.response_url, text, [], replace_original=False)
        elif done.actor.via == "email":
            email.send(done.actor.id, "Talkworthy: not done", text + "\n", f"<p>{html.escape(text)}</p>")
        return "refused"
    message = messages.get(done.message_ref) if done.message_ref else None
    message = message or messages.of_target(done.target)
    if message is None:
        if done.response_url:
            chat.respond(done.response_url, done.note, [], replace_original=False)
            return "responded"
        return "nothing"
    updated = _apply(message, done)
    notes = [(note.text, note.user_id) for note in updated.notes]
    buttons = actions_block(updated.target, updated.actions, intent=updated.intent, argument=updated.argument)
    chat.update(MessageRef.parse(message.ref), message.text, render_update(message.blocks, notes, buttons))
    messages.put(updated)
    return "updated"


def _apply(message: SentMessage, done: ActionCompleted) -> SentMessage:
    if any(note.event_key == done.meta.event_key for note in message.notes):
        return message  # a redelivery: the state already holds this outcome
    if done.outcome == "done":
        actions = after(message.actions, done.action)
    else:
        actions = [action for action in message.actions if action != done.action]
    note = Note(event_key=done.meta.event_key, text=f"{done.note} · {done.at:%H:%M} UTC")
    return message.model_copy(
        update={
            "actions": actions,
            "notes": [*message.notes, note],
            "argument": done.argument if done.argument is not None else message.argument,
        }
    )
