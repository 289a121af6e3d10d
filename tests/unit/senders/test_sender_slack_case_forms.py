"""A submitted case form (Bring in, Add next step, Change goal) becomes that action with its argument."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from chalicelib.senders import SENDERS, UnusableBodyError
from talkworthy.catalog import ActionTaken, Target
from talkworthy.notify import case_forms
from talkworthy.notify.case_forms import add_step_view, bring_in_view, read_step, set_goal_view
from talkworthy.people import load_default_directory

SENDER = SENDERS["slack"]
CASE = Target(kind="case", id="TW-1A2B", system="dynamodb")
DIRECTORY = load_default_directory()


def _submit(hooks, view, values):
    payload = {
        "type": "view_submission",
        "user": {"id": "U0ALICE01", "username": "alice.moreau"},
        "view": {**view, "id": "V0CASE1", "hash": "1.1", "state": {"values": values}},
    }
    return SENDER.adapt(hooks.delivery("slack", urlencode({"payload": json.dumps(payload)}).encode()))


def test_bring_in_names_the_person_or_team_chosen(hooks) -> None:
    view = bring_in_view(CASE, DIRECTORY.people, DIRECTORY.teams, message_ref="C0CARE:1.2", response_url=None)
    values = {"tw_who": {"who": {"type": "radio_buttons", "selected_option": {"value": "team:#billing"}}}}
    [item] = _submit(hooks, view, values)
    [taken] = item.details
    assert isinstance(taken, ActionTaken)
    assert (taken.action, taken.target, taken.argument) == ("bring_in", CASE, "team:#billing")
    assert (taken.message_ref, item.empty_answer) == ("C0CARE:1.2", True)  # an empty 200 closes the form
    assert item.dedupe_key == "view:V0CASE1:1.1"  # a double submit is published once


def test_a_next_step_carries_its_text_assignee_and_due_time(hooks) -> None:
    due = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    view = add_step_view(CASE, DIRECTORY.people, due, message_ref=None, response_url=None)
    values = {
        "tw_step_text": {"text": {"type": "plain_text_input", "value": " Call Dana back "}},
        "tw_step_assignee": {"assignee": {"type": "static_select", "selected_option": {"value": "U0JORDAN1"}}},
        "tw_step_due": {"due": {"type": "datetimepicker", "selected_date_time": int(due.timestamp())}},
    }
    [item] = _submit(hooks, view, values)
    taken = item.details[0]
    assert isinstance(taken, ActionTaken)
    assert taken.action == "add_step"
    assert read_step(taken.argument or "") == ("Call Dana back", "U0JORDAN1", due)


def test_a_form_submitted_without_what_it_asks_is_unusable(hooks) -> None:
    view = add_step_view(CASE, DIRECTORY.people, datetime(2026, 12, 2, tzinfo=UTC), message_ref=None, response_url=None)
    with pytest.raises(UnusableBodyError, match="no assignee, due"):
        _submit(hooks, view, {"tw_step_text": {"text": {"type": "plain_text_input", "value": "x"}}})
    goal = set_goal_view(CASE, "old goal", message_ref=None, response_url=None)
    with pytest.raises(UnusableBodyError, match="submitted empty"):
        _submit(hooks, goal, {"tw_goal": {"goal": {"type": "plain_text_input", "value": "  "}}})
    broken = {**goal, "private_metadata": "not json"}
    with pytest.raises(UnusableBodyError, match="metadata"):
        _submit(hooks, broken, {"tw_goal": {"goal": {"type": "plain_text_input", "value": "new"}}})


def test_the_forms_offer_the_directory_and_respect_slacks_limits() -> None:
    view = bring_in_view(CASE, DIRECTORY.people, DIRECTORY.teams, message_ref=None, response_url=None)
    options = view["blocks"][1]["element"]["options"]
    assert len(options) <= case_forms.MAX_OPTIONS
    assert {o["value"] for o in options} >= {"person:U0JORDAN1", "team:#eng-oncall"}
    assert all(len(o["text"]["text"]) <= 75 for o in options)
    assert len(view["title"]["text"]) <= 24
