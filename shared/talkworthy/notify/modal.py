"""The *Link to contact* modal: the candidate CRM contacts, the evidence for each, one to confirm.

Submitting it comes back as a ``view_submission`` whose ``private_metadata`` is what
:func:`link_contact_view` put there (the target, the profile, the message to update), and whose
state holds the chosen contact under :data:`CHOICE_BLOCK` / :data:`CHOICE_ACTION`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talkworthy.catalog.actions import Target
from talkworthy.errors import InvalidInputError

__all__ = ["CALLBACK_ID", "CHOICE_ACTION", "CHOICE_BLOCK", "Candidate", "link_contact_view", "read_metadata"]

CALLBACK_ID = "link_contact"
CHOICE_BLOCK = "tw_contact"
CHOICE_ACTION = "contact"
MAX_METADATA = 3000  # Slack's limit for private_metadata
MAX_OPTIONS = 10  # radio buttons


@dataclass(frozen=True)
class Candidate:
    system: str
    contact_id: str
    name: str
    evidence: str

    @property
    def value(self) -> str:
        return f"{self.system}/{self.contact_id}"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit] or "-", "emoji": True}


def link_contact_view(
    target: Target,
    profile_id: str,
    who: str,
    candidates: Sequence[Candidate],
    *,
    message_ref: str | None,
    response_url: str | None,
) -> dict[str, Any]:
    metadata = json.dumps(
        {"t": target.model_dump(mode="json", exclude_none=True), "p": profile_id, "m": message_ref, "r": response_url},
        separators=(",", ":"),
    )
    if len(metadata) > MAX_METADATA:
        metadata = json.dumps(
            {"t": target.model_dump(mode="json", exclude_none=True), "p": profile_id, "m": message_ref}
        )
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"Who is *{who}* in the CRM?"[:3000]}},
    ]
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain("Link to contact", 24),
        "close": _plain("Cancel", 24),
        "private_metadata": metadata,
        "blocks": blocks,
    }
    if not candidates:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "No candidate contact found."}]})
        return view
    options = [
        {
            "text": _plain(candidate.name, 75),
            "description": _plain(candidate.evidence, 75),
            "value": candidate.value,
        }
        for candidate in candidates[:MAX_OPTIONS]
    ]
    blocks.append(
        {
            "type": "input",
            "block_id": CHOICE_BLOCK,
            "label": _plain("Candidate contacts", 2000),
            "element": {"type": "radio_buttons", "action_id": CHOICE_ACTION, "options": options},
        }
    )
    view["submit"] = _plain("Confirm", 24)
    return view


def read_metadata(text: str) -> tuple[Target, str, str | None, str | None]:
    """``(target, profile_id, message_ref, response_url)`` from a submitted view's private_metadata."""
    try:
        data = json.loads(text)
        return Target.model_validate(data["t"]), str(data["p"]), data.get("m"), data.get("r")
    except (ValueError, KeyError, TypeError) as err:
        raise InvalidInputError(f"not a link_contact view: {err}") from err
