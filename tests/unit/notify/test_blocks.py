from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.local.slack_sink import block_errors
from talkworthy.catalog import Target
from talkworthy.errors import InvalidInputError
from talkworthy.notify import LINK_ACTION_ID, actions_block, escape_mrkdwn, render_slack, render_update
from talkworthy.notify.blocks import fit

ALL_ACTIONS = ["claim", "escalate", "mark_lead", "link_contact", "dismiss", "accept", "merge", "decline"]
LABELS = ["Claim", "Escalate", "Mark as lead", "Link to contact", "Dismiss", "Accept", "Merge", "Decline"]
_ENTITY_SAFE = re.compile(r"^(?:[^&<>]|&amp;|&lt;|&gt;)*…?$")


def _actions(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    [block] = [b for b in blocks if b["type"] == "actions"]
    return block


def test_escape_mrkdwn_escapes_the_three_characters_once():
    assert escape_mrkdwn("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape_mrkdwn("&lt;") == "&amp;lt;"


def test_render_slack_shows_headline_body_facts_and_link(make_request):
    text, blocks = render_slack(make_request(headline="Alert <script> & co", facts={"who": "@a&b"}))

    assert text == "Alert &lt;script&gt; &amp; co"
    assert blocks[0]["text"]["text"] == "*Alert &lt;script&gt; &amp; co*"
    assert blocks[0]["accessory"]["url"] == "https://x.com/alice/status/1"
    assert blocks[0]["accessory"]["action_id"] == LINK_ACTION_ID
    assert blocks[1]["text"]["text"] == "Product keeps crashing since the update"
    assert blocks[2]["fields"] == [{"type": "mrkdwn", "text": "*who*\n@a&amp;b"}]
    assert block_errors(blocks) == []


def test_every_action_gets_its_button_label_and_the_target_as_value(make_request):
    target = Target(kind="case", id="ZD-42", system="zendesk")
    _, blocks = render_slack(make_request(actions=ALL_ACTIONS, target=target))

    actions = _actions(blocks)
    assert [e["action_id"] for e in actions["elements"]] == ALL_ACTIONS
    assert [e["text"]["text"] for e in actions["elements"]] == LABELS
    assert all(Target.model_validate_json(e["value"]) == target for e in actions["elements"])
    assert actions["block_id"] == "tw:case:zendesk:ZD-42"
    assert block_errors(blocks) == []


def test_styles_and_confirm_dialogs(make_request):
    _, blocks = render_slack(make_request(actions=ALL_ACTIONS))
    by_id = {e["action_id"]: e for e in _actions(blocks)["elements"]}

    assert by_id["claim"]["style"] == by_id["accept"]["style"] == "primary"
    assert by_id["dismiss"]["style"] == by_id["decline"]["style"] == "danger"
    assert {"title", "text", "confirm", "deny"} <= set(by_id["dismiss"]["confirm"])
    assert "confirm" in by_id["decline"]
    assert all(
        "style" not in by_id[name] and "confirm" not in by_id[name]
        for name in ("escalate", "mark_lead", "link_contact", "merge")
    )


def test_duplicate_actions_render_once_and_no_actions_render_no_block(make_request):
    _, blocks = render_slack(make_request(actions=["claim", "claim", "dismiss"]))
    assert [e["action_id"] for e in _actions(blocks)["elements"]] == ["claim", "dismiss"]

    _, blocks = render_slack(make_request(actions=[], link=None))
    assert all(b["type"] != "actions" for b in blocks)
    assert "accessory" not in blocks[0]


def test_long_body_is_cut_without_breaking_an_entity(make_request):
    _, blocks = render_slack(make_request(body="&" * 3000))
    text = blocks[1]["text"]["text"]
    assert len(text) <= 3000
    assert text.endswith("…")
    assert _ENTITY_SAFE.match(text)


def test_many_facts_stay_within_fifty_blocks_and_ten_fields(make_request):
    facts = {f"fact {n}": "x" * 2500 for n in range(600)}
    _, blocks = render_slack(make_request(facts=facts))

    assert len(blocks) == 50
    assert blocks[-1]["type"] == "actions"
    assert all(len(b.get("fields", [])) <= 10 for b in blocks)
    assert block_errors(blocks) == []


def test_long_target_id_gets_a_short_stable_block_id(make_request):
    target = Target(kind="idea", id="i" * 600)
    _, first = render_slack(make_request(target=target))
    _, second = render_slack(make_request(target=target))

    block_id = _actions(first)["block_id"]
    assert len(block_id) <= 255
    assert block_id == _actions(second)["block_id"]
    assert block_errors(first) == []


def test_target_too_long_for_a_button_value_is_an_input_error(make_request):
    with pytest.raises(InvalidInputError):
        render_slack(make_request(target=Target(kind="idea", id="i" * 2000)))


def test_a_link_longer_than_slack_allows_is_left_out(make_request):
    _, blocks = render_slack(make_request(link="https://example.com/" + "a" * 3000))
    assert "accessory" not in blocks[0]


def test_empty_body_renders_no_empty_section(make_request):
    _, blocks = render_slack(make_request(body="  "))
    assert block_errors(blocks) == []
    assert [b["type"] for b in blocks] == ["section", "section", "actions"]


@given(st.text(max_size=4000), st.integers(min_value=2, max_value=3000))
def test_fit_never_exceeds_the_limit_nor_splits_an_entity(text, limit):
    out = fit(text, limit)
    assert len(out) <= limit
    assert _ENTITY_SAFE.match(out.replace("\n", " "))
    if len(escape_mrkdwn(text)) <= limit:
        assert out == escape_mrkdwn(text)


def test_render_update_replaces_the_buttons_and_leaves_the_original_alone(make_request):
    request = make_request()
    _, blocks = render_slack(request)
    left = actions_block(request.target, ["escalate"])
    updated = render_update(blocks, [("Claimed <by>", "U024BE7LH")], left)

    assert updated[-2]["type"] == "context"
    assert updated[-2]["elements"][0]["text"] == "Claimed &lt;by&gt; <@U024BE7LH>"
    assert [e["action_id"] for e in updated[-1]["elements"]] == ["escalate"]
    assert updated[:-2] == blocks[:-1]
    assert any(b["type"] == "actions" for b in blocks)
    assert block_errors(updated) == []


def test_render_update_from_its_own_output_keeps_one_notes_block_and_escapes_a_bad_user_id(make_request):
    _, blocks = render_slack(make_request())
    once = render_update(blocks, [("Claimed by", None)], None)
    twice = render_update(once, [("Claimed by", None), ("Escalated by", "<!channel>")], None)

    assert all(b["type"] != "actions" for b in twice)
    contexts = [b for b in twice if b["type"] == "context"]
    assert len(contexts) == 1
    assert [e["text"] for e in contexts[0]["elements"]] == ["Claimed by", "Escalated by &lt;!channel&gt;"]
    assert render_update(blocks, [("Claimed by", None)], None) == once


def test_reclassify_is_a_menu_of_the_other_labels_and_the_block_id_gives_the_target_back(make_request):
    from talkworthy.actions import target_from_block_id

    request = make_request(actions=["claim", "reclassify"], intent="complaint")
    _, blocks = render_slack(request)
    actions = blocks[-1]
    menu = actions["elements"][1]
    assert menu["type"] == "static_select"
    assert [o["value"] for o in menu["options"]] == [
        "support_request",
        "question",
        "sales_lead",
        "idea",
        "praise",
        "other",
    ]
    assert target_from_block_id(actions["block_id"]) == request.target
    assert block_errors(blocks) == []
