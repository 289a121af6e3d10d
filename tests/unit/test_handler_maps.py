"""The template routes to each context exactly what that context's handler map handles.

A rule's pattern is the ``$or`` of branches ``{detail-type: [...], detail: {...}}``; the map's
entries are ``on(Model, use_case, where={...})``. Both are reduced to a set of
(detail-type, detail pattern) pairs: one more on either side fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.consumer import SqsConsumer, canonical
from tests.unit.handler_modules import FUNCTIONS, RESOURCES, handler


def _consumers() -> dict[str, str]:
    """Function logical id -> the queue its SQS event reads."""
    found = {}
    for logical_id, function in FUNCTIONS.items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                found[logical_id] = event["Properties"]["Queue"]["Fn::GetAtt"][0]
    return found


def _rule_branches(queue: str) -> set[tuple[str, str]]:
    branches: set[tuple[str, str]] = set()
    for resource in RESOURCES.values():
        if resource["Type"] != "AWS::Events::Rule":
            continue
        props = resource["Properties"]
        targets = [t["Arn"]["Fn::GetAtt"][0] for t in props.get("Targets", []) if "Fn::GetAtt" in t["Arn"]]
        if queue not in targets:
            continue
        pattern = props["EventPattern"]
        for branch in pattern.get("$or", [pattern]):
            assert set(branch) <= {"detail-type", "detail"}, f"unexpected pattern keys {sorted(branch)}"
            for detail_type in branch["detail-type"]:
                branches.add((detail_type, canonical(branch.get("detail", {}))))
    return branches


CONSUMERS = _consumers()


def test_every_consumer_is_a_context_with_a_handler_map() -> None:
    assert set(CONSUMERS) == {
        "MentionsFunction",
        "CasesFunction",
        "NotifyFunction",
        "CustomersFunction",
        "IdeasFunction",
        "CommunityFunction",
    }
    for logical_id in CONSUMERS:
        assert isinstance(handler(logical_id), SqsConsumer)


@pytest.mark.parametrize("logical_id", sorted(CONSUMERS))
def test_rule_and_handler_map_agree(logical_id: str) -> None:
    routed = _rule_branches(CONSUMERS[logical_id])
    handled = handler(logical_id).handlers.branches()
    assert routed, f"no rule targets {CONSUMERS[logical_id]}"
    assert routed - handled == set(), "routed by the rule but not handled (would be rejected to the DLQ)"
    assert handled - routed == set(), "handled but never routed here by the rule"


def test_the_comparison_sees_a_predicate_difference() -> None:
    """Guard for the test itself: a narrower `where` is a different branch."""
    cases: Any = handler("CasesFunction").handlers
    action_taken = {where for detail_type, where in cases.branches() if detail_type == "Action.Taken"}
    assert action_taken == {canonical({"target": {"kind": ["case", "lead", "mention"]}})}
    assert canonical({"target": {"kind": ["mention", "lead", "case"]}}) in action_taken
    assert canonical({"target": {"kind": ["case", "idea", "lead", "mention"]}}) not in action_taken
