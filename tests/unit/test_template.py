"""What the template must guarantee for operators, checked on the template itself."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.template import REPO_ROOT, load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = {k: v for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"}
GLOBAL_TIMEOUT = TEMPLATE["Globals"]["Function"]["Timeout"]


def _sqs_events(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["Properties"] for e in function["Properties"].get("Events", {}).values() if e["Type"] == "SQS"]


CONSUMERS = {name: fn for name, fn in FUNCTIONS.items() if _sqs_events(fn)}


def test_there_are_consumers() -> None:
    assert CONSUMERS


@pytest.mark.parametrize("name", sorted(CONSUMERS))
def test_consumer_queue_is_safe(name: str) -> None:
    function = CONSUMERS[name]
    timeout = function["Properties"].get("Timeout", GLOBAL_TIMEOUT)
    for event in _sqs_events(function):
        assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert event["ScalingConfig"]["MaximumConcurrency"] >= 2
        queue = RESOURCES[event["Queue"]["Fn::GetAtt"][0]]["Properties"]
        assert queue["VisibilityTimeout"] >= 6 * timeout
        dlq_ref = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert RESOURCES[dlq_ref]["Type"] == "AWS::SQS::Queue"
        assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_code_exists(name: str) -> None:
    props = FUNCTIONS[name]["Properties"]
    module = props["Handler"].rpartition(".")[0]
    assert (REPO_ROOT / props["CodeUri"] / f"{module}.py").is_file()


def test_every_rule_target_has_a_dead_letter_queue() -> None:
    rules = [r for r in RESOURCES.values() if r["Type"] == "AWS::Events::Rule"]
    assert rules
    for rule in rules:
        for target in rule["Properties"].get("Targets", []):
            assert "DeadLetterConfig" in target


def test_api_events_mirror_the_chalice_routes() -> None:
    from app import app

    declared = {
        (e["Properties"]["Path"], e["Properties"]["Method"].upper())
        for e in FUNCTIONS["IngressFunction"]["Properties"]["Events"].values()
    }
    routes = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert declared == routes


def test_secrets_are_noecho_parameters() -> None:
    params = TEMPLATE["Parameters"]
    for name in ("WebhookSecretsJson", "SlackBotToken", "ActionLinkKey"):
        assert params[name]["NoEcho"] is True
