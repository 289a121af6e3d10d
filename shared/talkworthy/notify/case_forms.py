"""The case file's Slack forms: *Bring in* (a person or a team), *Add next step*, *Change goal*.

Each modal's ``private_metadata`` carries the case (its target), the message clicked and the
``response_url``; the ingress reads a submission back with :func:`read_submission` into the action
and its argument: ``person:<slack id>`` or ``team:<channel>`` for bring_in, the step as compact JSON
(``{"text", "assignee", "due"}``, ``due`` in Unix seconds) for add_step, the new goal for set_goal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from talkworthy.catalog.actions import ActionName, Target
from talkworthy.errors import InvalidInputError
from talkworthy.people import Person, Team

__all__ = [
    "CALLBACKS",
    "MAX_STEP_TEXT",
    "add_step_view",
    "bring_in_view",
    "read_step",
    "read_submission",
    "set_goal_view",
]

CALLBACKS: dict[str, ActionName] = {
    "case_bring_in": "bring_in",
    "case_add_step": "add_step",
    "case_set_goal": "set_goal",
}
MAX_STEP_TEXT = 300
MAX_OPTIONS = 10


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit] or "-", "emoji": True}


def _view(callback: str, title: str, submit: str, target: Target, ref: str | None, url: str | None) -> dict[str, Any]:
    metadata = {"t": target.model_dump(mode="json", exclude_none=True), "m": ref, "r": url}
    return {
        "type": "modal",
        "callback_id": callback,
        "title": _plain(title, 24),
        "submit": _plain(submit, 24),
        "close": _plain("Cancel", 24),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": [],
    }


def _input(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": _plain(label, 2000), "element": element}


def bring_in_view(
    target: Target,
    people: Sequence[Person],
    teams: Sequence[Team],
    *,
    message_ref: str | None,
    response_url: str | None,
) -> dict[str, Any]:
    view = _view("case_bring_in", "Bring in", "Bring in", target, message_ref, response_url)
    options = [
        {
            "text": _plain(p.name, 75),
            "description": _plain(f"{p.role.replace('_', ' ')}: a direct message", 75),
            "value": f"person:{p.slack}",
        }
        for p in people
        if p.slack
    ] + [
        {"text": _plain(t.name, 75), "description": _plain(f"a post in {t.channel}", 75), "value": f"team:{t.channel}"}
        for t in teams
    ]
    view["blocks"] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Who should know about this case? They get its context."},
        },
        _input(
            "tw_who",
            "A person or a team",
            {"type": "radio_buttons", "action_id": "who", "options": options[:MAX_OPTIONS]},
        ),
    ]
    return view


def add_step_view(
    target: Target,
    people: Sequence[Person],
    default_due: datetime,
    *,
    message_ref: str | None,
    response_url: str | None,
) -> dict[str, Any]:
    view = _view("case_add_step", "Add next step", "Add", target, message_ref, response_url)
    assignees = [{"text": _plain(p.name, 75), "value": p.slack} for p in people if p.slack][:100]
    view["blocks"] = [
        _input(
            "tw_step_text",
            "What needs doing",
            {"type": "plain_text_input", "action_id": "text", "max_length": MAX_STEP_TEXT},
        ),
        _input(
            "tw_step_assignee",
            "Who does it",
            {
                "type": "static_select",
                "action_id": "assignee",
                "placeholder": _plain("Choose a person", 150),
                "options": assignees,
            },
        ),
        _input(
            "tw_step_due",
            "Due",
            {"type": "datetimepicker", "action_id": "due", "initial_date_time": int(default_due.timestamp())},
        ),
    ]
    return view


def set_goal_view(target: Target, goal: str, *, message_ref: str | None, response_url: str | None) -> dict[str, Any]:
    view = _view("case_set_goal", "Change goal", "Save", target, message_ref, response_url)
    view["blocks"] = [
        _input(
            "tw_goal",
            "The outcome the customer needs",
            {"type": "plain_text_input", "action_id": "goal", "initial_value": goal, "max_length": MAX_STEP_TEXT},
        ),
    ]
    return view


def _value(state: Mapping[str, Any], block: str, action: str) -> Any:
    element = state.get("values", {}).get(block, {}).get(action, {})
    if not isinstance(element, dict):
        return None
    for name in ("selected_option", "value", "selected_date_time"):
        found = element.get(name)
        if isinstance(found, dict):
            found = found.get("value")
        if found not in (None, ""):
            return found
    return None


def read_submission(
    callback_id: str, metadata: str, state: Mapping[str, Any]
) -> tuple[ActionName, Target, str, str | None, str | None]:
    """``(action, target, argument, message_ref, response_url)`` from a submitted case form."""
    action = CALLBACKS.get(callback_id)
    if action is None:
        raise InvalidInputError(f"not a case form: {callback_id!r}")
    try:
        data = json.loads(metadata)
        target = Target.model_validate(data["t"])
    except (ValueError, KeyError, TypeError) as err:
        raise InvalidInputError(f"not a case form's metadata: {err}") from err
    if action == "bring_in":
        argument = _value(state, "tw_who", "who")
    elif action == "set_goal":
        argument = _value(state, "tw_goal", "goal")
    else:
        step = {k: _value(state, f"tw_step_{k}", k) for k in ("text", "assignee", "due")}
        missing = [k for k, v in step.items() if v is None]
        if missing:
            raise InvalidInputError(f"the step form has no {', '.join(missing)}")
        argument = json.dumps(step, separators=(",", ":"), ensure_ascii=False)
    if not isinstance(argument, str) or not argument.strip():
        raise InvalidInputError(f"the {callback_id} form was submitted empty")
    return action, target, argument.strip(), data.get("m"), data.get("r")


def read_step(argument: str) -> tuple[str, str, datetime]:
    """``(text, assignee slack id, due)`` from add_step's argument."""
    from datetime import UTC

    try:
        data = json.loads(argument)
        text, assignee, due = str(data["text"]).strip(), str(data["assignee"]), int(data["due"])
        return text[:MAX_STEP_TEXT], assignee, datetime.fromtimestamp(due, UTC)
    except (ValueError, KeyError, TypeError, OverflowError, OSError) as err:
        raise InvalidInputError(f"not a next step: {err}") from err
