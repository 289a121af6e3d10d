"""The action vocabulary, in one place: what each target offers, how it is labelled and carried.

Used by the Slack message builder (``notify/blocks.py``), the e-mail links (``notify/links.py``),
the ingress's Slack sender (``chalicelib/senders/slack_actions.py``) and the consumers that perform
actions (``usecases/act.py``) and update messages (``usecases/message_update.py``).

- :data:`OFFERED`: the actions a message about each kind of target offers.
- :func:`after`: the actions still offered once one was done (claim leaves escalate and dismiss;
  confirming a contact link offers Undo; dismiss ends everything).
- The button value codec: :func:`encode_value` / :func:`decode_value` carry the target (and an
  argument: the link to undo) as compact JSON, within Slack's 2,000 characters.
- Reclassify is a select menu (Slack's overflow menu holds at most five options; six are offered):
  its options carry only the corrected label, and the target comes from the block's id, which
  :func:`block_id_for` makes reversible (:func:`target_from_block_id`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from talkworthy.catalog.actions import ActionName, Target
from talkworthy.errors import InvalidInputError

__all__ = [
    "ACTION_LABELS",
    "CASE_FILE_ACTIONS",
    "CONFIRM_ACTIONS",
    "DONE_WORDS",
    "OFFERED",
    "ONE_CLICK_ACTIONS",
    "PRIMARY_ACTIONS",
    "RECLASSIFY_OPTIONS",
    "REPEATABLE_ACTIONS",
    "SELECT_ACTIONS",
    "ActionName",
    "after",
    "block_id_for",
    "decode_value",
    "done_note",
    "email_actions",
    "encode_value",
    "reclassify_label",
    "target_from_block_id",
    "unique_actions",
]

ACTION_LABELS: dict[str, str] = {
    "claim": "Claim",
    "escalate": "Escalate",
    "mark_lead": "Mark as lead",
    "link_contact": "Link to contact",
    "confirm_link": "Confirm contact",
    "undo_link": "Undo",
    "dismiss": "Dismiss",
    "reclassify": "Reclassify",
    "accept": "Accept",
    "merge": "Merge",
    "decline": "Decline",
    "unmerge": "Unmerge",
    "retention_done": "Retention done",
    "not_at_risk": "Not at risk",
    "snooze_14d": "Snooze 14 days",
    "acknowledge": "Acknowledge",
    "assign_owner": "I own this incident",
    "bring_in": "Bring in",
    "add_step": "Add next step",
    "step_done": "Done",
    "set_goal": "Change goal",
    "resolve": "Resolve",
}

DONE_WORDS: dict[str, str] = {
    "claim": "Claimed",
    "escalate": "Escalated",
    "mark_lead": "Marked as lead",
    "link_contact": "Contact chosen",
    "confirm_link": "Contact link confirmed",
    "undo_link": "Contact link undone",
    "dismiss": "Dismissed",
    "reclassify": "Reclassified",
    "accept": "Accepted",
    "merge": "Merged",
    "decline": "Declined",
    "unmerge": "Unmerged",
    "retention_done": "Retention done",
    "not_at_risk": "Marked not at risk",
    "snooze_14d": "Snoozed for 14 days",
    "acknowledge": "Acknowledged",
    "assign_owner": "Incident owned",
    "bring_in": "Brought in",
    "add_step": "Next step added",
    "step_done": "Done",
    "set_goal": "Goal changed",
    "resolve": "Resolved",
}

OFFERED: dict[str, tuple[ActionName, ...]] = {
    "case": ("claim", "escalate", "link_contact", "dismiss", "reclassify"),
    "mention": ("claim", "mark_lead", "link_contact", "dismiss", "reclassify"),
    "lead": ("claim", "link_contact", "dismiss"),
    "idea": ("accept", "merge", "decline"),  # unmerge: on the ideas context's merge confirmation
    "profile": ("confirm_link", "undo_link"),  # retention outcomes: on the customers context's messages
    "incident": ("acknowledge", "assign_owner"),  # a surge's digest (the community context)
}

CASE_FILE_ACTIONS: tuple[ActionName, ...] = ("bring_in", "add_step", "set_goal")
"""On the case file's message in the case's thread; ``resolve`` joins them for built-in CRM cases."""
REPEATABLE_ACTIONS = frozenset({"bring_in", "add_step", "set_goal"})
"""Done again and again: the message keeps offering them."""

PRIMARY_ACTIONS = frozenset(
    {"claim", "accept", "confirm_link", "retention_done", "resolve", "step_done", "assign_owner"}
)
CONFIRM_ACTIONS = frozenset({"dismiss", "decline"})
SELECT_ACTIONS = frozenset({"reclassify"})
FINAL_ACTIONS = frozenset({"dismiss", "accept", "merge", "decline", "retention_done", "not_at_risk", "snooze_14d"})
"""Done: nothing is left to click."""
ONE_CLICK_ACTIONS = frozenset(
    {"claim", "escalate", "mark_lead", "dismiss", "accept", "decline"}
    | {"unmerge", "retention_done", "not_at_risk", "snooze_14d"}
)
"""Need nothing but the target: offered as e-mail links (the others need a modal, a menu or Slack)."""

# corrected label (IntentLabel) -> what the menu says
RECLASSIFY_OPTIONS: dict[str, str] = {
    "support_request": "support",
    "question": "question",
    "sales_lead": "lead",
    "idea": "idea",
    "praise": "praise",
    "other": "other",
}

MAX_VALUE = 2000
MAX_BLOCK_ID = 255


def unique_actions(actions: Iterable[ActionName]) -> list[ActionName]:
    """The actions in their given order, each once (Slack wants unique ``action_id`` per block)."""
    return list(dict.fromkeys(actions))


def email_actions(actions: Iterable[ActionName]) -> list[ActionName]:
    """The actions an e-mail offers as signed links."""
    return [action for action in unique_actions(actions) if action in ONE_CLICK_ACTIONS]


def after(current: Sequence[ActionName], done: ActionName) -> list[ActionName]:
    """What a message still offers once ``done`` was done."""
    if done in FINAL_ACTIONS:
        return []
    if done in REPEATABLE_ACTIONS:
        return unique_actions(current)
    gone: set[ActionName] = {done}
    added: list[ActionName] = []
    if done == "confirm_link":
        gone, added = {"confirm_link", "link_contact"}, ["undo_link"]
    elif done == "undo_link":
        added = ["link_contact"]
    elif done == "mark_lead":
        gone = {"mark_lead", "claim", "reclassify"}
    elif done == "assign_owner":  # whoever owns the incident has acknowledged it
        gone = {"assign_owner", "acknowledge"}
    return unique_actions([action for action in current if action not in gone] + added)


def done_note(action: ActionName, who: str, argument: str | None = None) -> str:
    """``Claimed by Alice``; a reclassification names the new label."""
    word = DONE_WORDS[action]
    if action == "reclassify" and argument:
        word = f"Reclassified as {reclassify_label(argument)}"
    return f"{word} by {who}"


def reclassify_label(intent: str) -> str:
    return RECLASSIFY_OPTIONS.get(intent, intent.replace("_", " "))


def encode_value(target: Target, argument: str | None = None) -> str:
    """The button ``value``: the target's compact JSON, plus ``arg`` when the action needs one."""
    data = target.model_dump(mode="json", exclude_none=True)
    if argument is not None:
        data["arg"] = argument
    value = json.dumps(data, separators=(",", ":"))
    if len(value) > MAX_VALUE:
        raise InvalidInputError(f"target of {len(value)} characters does not fit a Slack button value")
    return value


def decode_value(value: str) -> tuple[Target, str | None]:
    """``(target, argument)`` from a button value; :class:`InvalidInputError` if it is not one."""
    try:
        data = json.loads(value)
        if not isinstance(data, dict):
            raise TypeError("not an object")
        argument = data.pop("arg", None)
        if argument is not None and not isinstance(argument, str):
            raise TypeError("arg must be a string")
        return Target.model_validate(data), argument
    except (ValueError, TypeError, ValidationError) as err:
        raise InvalidInputError(f"not a target: {err}") from err


def block_id_for(target: Target) -> str:
    """``tw:<kind>:<system>:<id>``, stable per target; too long for Slack (255) → a digest (not reversible)."""
    raw = f"tw:{target.kind}:{target.system or ''}:{target.id}"
    if len(raw) <= MAX_BLOCK_ID:
        return raw
    digest = hashlib.sha256(target.model_dump_json(exclude_none=True).encode()).hexdigest()[:40]
    return f"tw#{target.kind}:{digest}"


def target_from_block_id(block_id: str) -> Target | None:
    """The target :func:`block_id_for` wrote, or None (a digest, or not ours)."""
    prefix, _, rest = block_id.partition(":")
    kind, _, rest = rest.partition(":")
    system, sep, record_id = rest.partition(":")
    if prefix != "tw" or not sep or not record_id:
        return None
    try:
        return Target.model_validate({"kind": kind, "id": record_id, "system": system or None})
    except ValidationError:
        return None
