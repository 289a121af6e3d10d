"""What each action is called and how it looks, shared by the Slack and e-mail renderers."""

from __future__ import annotations

from collections.abc import Iterable

from talkworthy.catalog.actions import ActionName

__all__ = ["ACTION_LABELS", "CONFIRM_ACTIONS", "PRIMARY_ACTIONS", "ActionName", "unique_actions"]

ACTION_LABELS: dict[str, str] = {
    "claim": "Claim",
    "escalate": "Escalate",
    "mark_lead": "Mark as lead",
    "link_contact": "Link to contact",
    "dismiss": "Dismiss",
    "accept": "Accept",
    "merge": "Merge",
    "decline": "Decline",
    "retention_done": "Retention done",
    "not_at_risk": "Not at risk",
    "snooze_14d": "Snooze 14 days",
    "unmerge": "Unmerge",
}

PRIMARY_ACTIONS = frozenset({"claim", "accept", "retention_done"})
CONFIRM_ACTIONS = frozenset({"dismiss", "decline"})


def unique_actions(actions: Iterable[ActionName]) -> list[ActionName]:
    """The actions in their given order, each once (Slack wants unique ``action_id`` per block)."""
    return list(dict.fromkeys(actions))
