"""Block Kit for an ``Action.Requested``: context, facts and one button per allowed action.

Slack's documented Block Kit limits (https://docs.slack.dev/reference/block-kit/: the button
element, actions and section blocks) are enforced here rather than discovered as
``invalid_blocks`` in production: text is escaped first and then shortened without cutting an
``&amp;`` entity in half; a button ``value`` cannot be shortened without breaking the target it
carries, so an oversized one is an input error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from talkworthy.actions import (
    ACTION_LABELS,
    CONFIRM_ACTIONS,
    PRIMARY_ACTIONS,
    RECLASSIFY_OPTIONS,
    SELECT_ACTIONS,
    ActionName,
    block_id_for,
    encode_value,
    reclassify_label,
    target_from_block_id,
    unique_actions,
)
from talkworthy.catalog import ActionRequested, Target

__all__ = [
    "LINK_ACTION_ID",
    "NOTES_BLOCK_ID",
    "Block",
    "actions_block",
    "escape_mrkdwn",
    "fit",
    "render_slack",
    "render_update",
]

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_URL = 3000
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300
MAX_FALLBACK = 1000
ELLIPSIS = "…"

LINK_ACTION_ID = "open_link"
"""``action_id`` of the link button. Slack still sends a ``block_actions`` for it: ack and ignore."""
NOTES_BLOCK_ID = "tw_notes"
MAX_NOTES = 10  # a context block holds at most 10 elements

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def escape_mrkdwn(text: str) -> str:
    """Slack's three required escapes; ``&`` first so the others are not escaped twice."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int, *, mrkdwn: bool = True) -> str:
    """Escape (for mrkdwn) and shorten to ``limit`` characters, never splitting an entity."""
    out = escape_mrkdwn(text) if mrkdwn else text
    if len(out) <= limit:
        return out
    pieces: list[str] = []
    used = 0
    for char in text:
        piece = escape_mrkdwn(char) if mrkdwn else char
        if used + len(piece) > limit - len(ELLIPSIS):
            break
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces) + ELLIPSIS


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": fit(text, limit, mrkdwn=False), "emoji": True}


def _button(action: ActionName, value: str, target: Target) -> Block:
    label = ACTION_LABELS[action]
    button: Block = {
        "type": "button",
        "action_id": action,
        "text": _plain(label, MAX_BUTTON_TEXT),
        "value": value,
    }
    if action in PRIMARY_ACTIONS:
        button["style"] = "primary"
    elif action in CONFIRM_ACTIONS:
        button["style"] = "danger"
        button["confirm"] = {
            "title": _plain(f"{label}?", MAX_CONFIRM_TITLE),
            "text": _plain(f"{label} {target.kind} {target.id}? This cannot be undone from Slack.", MAX_CONFIRM_TEXT),
            "confirm": _plain(label, 30),
            "deny": _plain("Cancel", 30),
            "style": "danger",
        }
    return button


def _reclassify_menu(intent: str) -> Block:
    options = [
        {"text": _plain(label, 75), "value": value} for value, label in RECLASSIFY_OPTIONS.items() if value != intent
    ]
    return {
        "type": "static_select",
        "action_id": "reclassify",
        "placeholder": _plain(f"Not {reclassify_label(intent)}?", 150),
        "options": options,
    }


def actions_block(
    target: Target, actions: Sequence[ActionName], *, intent: str | None = None, argument: str | None = None
) -> Block | None:
    """One button per action (reclassify: a select menu of the other labels), or None for no actions.

    ``argument`` rides in the value of the buttons that need one (Undo carries the link to undo).
    The select needs a reversible block id and the predicted ``intent``; without them it is left out.
    """
    names = unique_actions(actions)[:MAX_ELEMENTS]
    plain = encode_value(target)
    with_argument = encode_value(target, argument) if argument is not None else plain
    block_id = block_id_for(target)
    elements: list[Block] = []
    for name in names:
        if name in SELECT_ACTIONS:
            if intent and target_from_block_id(block_id) == target:
                elements.append(_reclassify_menu(intent))
            continue
        elements.append(_button(name, with_argument if name == "undo_link" else plain, target))
    if not elements:
        return None
    return {"type": "actions", "block_id": block_id, "elements": elements}


def _field(label: str, value: str) -> Block:
    head = f"*{fit(label, 100)}*\n"
    return {"type": "mrkdwn", "text": head + fit(value or "—", MAX_FIELD_TEXT - len(head))}


def _fact_sections(facts: Mapping[str, str]) -> list[Block]:
    fields = [_field(label, value) for label, value in facts.items()]
    return [
        {"type": "section", "fields": fields[start : start + MAX_FIELDS]} for start in range(0, len(fields), MAX_FIELDS)
    ]


def render_slack(req: ActionRequested) -> tuple[str, list[Block]]:
    """Fallback text (for notifications) and blocks for ``chat.postMessage``."""
    headline: Block = {"type": "section", "text": {"type": "mrkdwn", "text": f"*{fit(req.headline, 2990)}*"}}
    if req.link and len(req.link) <= MAX_URL:
        headline["accessory"] = {
            "type": "button",
            "action_id": LINK_ACTION_ID,
            "text": _plain("Open", MAX_BUTTON_TEXT),
            "url": req.link,
        }
    blocks: list[Block] = [headline]
    if req.body.strip():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": fit(req.body, MAX_SECTION_TEXT)}})
    actions = actions_block(req.target, req.actions, intent=req.intent)
    room = MAX_BLOCKS - len(blocks) - (1 if actions else 0)
    blocks.extend(_fact_sections(req.facts)[:room])
    if actions:
        blocks.append(actions)
    return fit(req.headline, MAX_FALLBACK), blocks


def render_update(
    base_blocks: Sequence[Block], notes: Sequence[tuple[str, str | None]], actions: Block | None
) -> list[Block]:
    """The message after actions: its content, one line per note ("Claimed by <@U…>"), the buttons left.

    ``base_blocks`` is the message as first posted; earlier notes and buttons in it are replaced,
    so rendering the same state again gives the same blocks (a retried update is harmless). Each
    note is ``(text, user_id)``: the text is escaped, a ``U…`` user id becomes a real mention.
    """
    lines = []
    for note, user_id in list(notes)[-MAX_NOTES:]:
        text = fit(note, MAX_FIELD_TEXT - 40)
        if user_id:
            text += f" <@{user_id}>" if _USER_ID.match(user_id) else " " + fit(user_id, 30)
        lines.append({"type": "mrkdwn", "text": text})
    kept = [
        copy.deepcopy(dict(block))
        for block in base_blocks
        if block.get("type") != "actions" and block.get("block_id") != NOTES_BLOCK_ID
    ]
    extra = [{"type": "context", "block_id": NOTES_BLOCK_ID, "elements": lines}] if lines else []
    extra += [actions] if actions else []
    return kept[: MAX_BLOCKS - len(extra)] + extra
