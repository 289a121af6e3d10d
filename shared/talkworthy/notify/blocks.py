"""Block Kit for an ``Action.Requested``: context, facts and one button per allowed action.

Slack's documented Block Kit limits (https://docs.slack.dev/reference/block-kit/: the button
element, actions and section blocks) are enforced here rather than discovered as
``invalid_blocks`` in production: text is escaped first and then shortened without cutting an
``&amp;`` entity in half; a button ``value`` cannot be shortened without breaking the target it
carries, so an oversized one is an input error.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from talkworthy.catalog import ActionRequested, Target
from talkworthy.errors import InvalidInputError
from talkworthy.notify.labels import (
    ACTION_LABELS,
    CONFIRM_ACTIONS,
    PRIMARY_ACTIONS,
    ActionName,
    unique_actions,
)

__all__ = [
    "LINK_ACTION_ID",
    "RESOLVED_BLOCK_ID",
    "Block",
    "block_id_for",
    "escape_mrkdwn",
    "fit",
    "render_resolved",
    "render_slack",
]

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000
MAX_BLOCK_ID = 255
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
RESOLVED_BLOCK_ID = "tw_resolved"

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


def block_id_for(target: Target) -> str:
    """Stable per target; long ids are replaced by a digest to stay within 255 characters."""
    raw = f"tw:{target.kind}:{target.system or ''}:{target.id}"
    if len(raw) <= MAX_BLOCK_ID:
        return raw
    digest = hashlib.sha256(target.model_dump_json(exclude_none=True).encode()).hexdigest()[:40]
    return f"tw:{target.kind}:{digest}"


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


def _actions_block(req: ActionRequested) -> Block | None:
    names = unique_actions(req.actions)[:MAX_ELEMENTS]
    if not names:
        return None
    value = req.target.model_dump_json(exclude_none=True)
    if len(value) > MAX_VALUE:
        raise InvalidInputError(f"target of {len(value)} characters does not fit a Slack button value")
    return {
        "type": "actions",
        "block_id": block_id_for(req.target),
        "elements": [_button(name, value, req.target) for name in names],
    }


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
    actions = _actions_block(req)
    room = MAX_BLOCKS - len(blocks) - (1 if actions else 0)
    blocks.extend(_fact_sections(req.facts)[:room])
    if actions:
        blocks.append(actions)
    return fit(req.headline, MAX_FALLBACK), blocks


def render_resolved(original_blocks: Sequence[Block], note: str, *, user_id: str | None = None) -> list[Block]:
    """The same message with its buttons replaced by a line such as "Claimed by @alice".

    ``note`` is escaped; pass ``user_id`` (``U…``) to end the line with a real Slack mention.
    Applying it twice replaces the earlier line, so a retried update is harmless.
    """
    text = fit(note, MAX_SECTION_TEXT - 40)
    if user_id:
        text += f" <@{user_id}>" if _USER_ID.match(user_id) else " " + fit(user_id, 30)
    line: Block = {
        "type": "context",
        "block_id": RESOLVED_BLOCK_ID,
        "elements": [{"type": "mrkdwn", "text": text}],
    }
    out: list[Block] = []
    placed = False
    for block in original_blocks:
        if block.get("type") == "actions" or block.get("block_id") == RESOLVED_BLOCK_ID:
            if not placed:
                out.append(line)
                placed = True
            continue
        out.append(copy.deepcopy(dict(block)))
    if not placed:
        out = [*out[: MAX_BLOCKS - 1], line]
    return out
