"""What the template must guarantee for operators, checked on the template itself."""

from __future__ import annotations

import json
import re
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


def test_http_api_events_mirror_the_chalice_routes() -> None:
    from app import app

    events = FUNCTIONS["IngressFunction"]["Properties"]["Events"].values()
    assert {e["Type"] for e in events} == {"HttpApi"}
    assert {e["Properties"]["PayloadFormatVersion"] for e in events} == {"1.0"}  # the proxy event Chalice reads
    declared = {(e["Properties"]["Path"], e["Properties"]["Method"].upper()) for e in events}
    routes = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert declared == routes


def test_the_api_access_log_records_the_route_never_the_raw_path() -> None:
    """A path token (Canny's /webhooks/canny/{token}) is a secret: the log names the route key."""
    apis = {name for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::HttpApi"}
    assert apis
    for name in apis:
        log = RESOURCES[name]["Properties"]["AccessLogSettings"]
        assert log["DestinationArn"]["Fn::GetAtt"][0] in RESOURCES
        assert set(json.loads(log["Format"])) >= {"requestId", "routeKey", "status"}
        variables = set(re.findall(r"\$context\.([A-Za-z.]+)", log["Format"]))
        assert "routeKey" in variables
        assert not [v for v in variables if "path" in v.lower()]
    events = [e for f in FUNCTIONS.values() for e in f["Properties"].get("Events", {}).values()]
    http = [e for e in events if e["Type"] == "HttpApi"]
    assert http
    assert all(e["Properties"].get("ApiId", {}).get("Ref") in apis for e in http)  # no implicit API, unlogged


def test_raw_deliveries_reach_the_bucket_through_firehose_only() -> None:
    stream = RESOURCES["RawDeliveriesStream"]["Properties"]
    destination = stream["ExtendedS3DestinationConfiguration"]
    assert stream["DeliveryStreamType"] == "DirectPut"
    assert stream["DeliveryStreamEncryptionConfigurationInput"]["KeyType"]
    assert destination["BucketARN"] == {"Fn::GetAtt": ["RawDeliveriesBucket", "Arn"]}
    assert destination["CompressionFormat"] == "GZIP"
    assert "!{firehose:error-output-type}" in destination["ErrorOutputPrefix"]
    assert RESOURCES["RawDeliveriesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"]

    role = RESOURCES[destination["RoleARN"]["Fn::GetAtt"][0]]["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert all(action.startswith("s3:") for s in statements for action in s["Action"])
    assert all("RawDeliveriesBucket" in json.dumps(s["Resource"]) for s in statements)

    ingress = FUNCTIONS["IngressFunction"]["Properties"]
    assert ingress["Environment"]["Variables"]["RAW_DELIVERY_STREAM"] == {"Ref": "RawDeliveriesStream"}
    assert {
        "Effect": "Allow",
        "Action": "firehose:PutRecord",
        "Resource": {"Fn::GetAtt": ["RawDeliveriesStream", "Arn"]},
    } in [s for policy in ingress["Policies"] for s in policy.get("Statement", [])]
    assert not [policy for policy in ingress["Policies"] if any(name.startswith("S3") for name in policy)]


def test_secrets_are_noecho_parameters() -> None:
    params = TEMPLATE["Parameters"]
    for name in ("WebhookSecretsJson", "SlackBotToken", "ActionLinkKey"):
        assert params[name]["NoEcho"] is True


def test_the_dashboard_body_is_json_naming_every_context_queue() -> None:
    from infra.local.template import Resolver

    body = RESOURCES["Dashboard"]["Properties"]["DashboardBody"]
    resolver = Resolver("stack", "eu-west-1", "123456789012", {}, {})
    for name in RESOURCES:
        resolver.attributes[name] = {"QueueName": f"{name}-name", "Ref": name}
    widgets = json.loads(resolver.resolve(body))["widgets"]
    queues = {m[3] for w in widgets for m in w["properties"]["metrics"] if m and isinstance(m[0], str)}
    consumers = {
        event["Properties"]["Queue"]["Fn::GetAtt"][0]
        for fn in CONSUMERS.values()
        for event in fn["Properties"]["Events"].values()
        if event["Type"] == "SQS"
    }
    for queue in consumers:
        dlq = RESOURCES[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert {f"{queue}-name", f"{dlq}-name"} <= queues, f"the dashboard does not show {queue}"


ALARMED_METRICS = {"EventsRejected", "EventsFailed"}  # emitted by the consumer: tests/functional/test_consumer_paths.py


def test_alarms_across_contexts_query_the_consumers_metrics() -> None:
    queries = [
        m["Expression"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        for m in r["Properties"].get("Metrics", [])
        if "SELECT" in m.get("Expression", "")
    ]
    for metric in ALARMED_METRICS:
        assert any(f"SUM({metric}) FROM SCHEMA(Talkworthy, service)" in q for q in queries), metric


def _alarm_queries() -> list[str]:
    return [
        m["Expression"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        for m in r["Properties"].get("Metrics", [])
        if "SELECT" in m.get("Expression", "")
    ]


def test_ingress_rejections_are_alarmed_per_source_and_reason() -> None:
    """The metric's dimensions are the schema's (tests/unit/test_delivery_metrics.py), one contributor each."""
    assert "SELECT SUM(Rejections) FROM SCHEMA(Talkworthy, reason, service, source) GROUP BY source, reason" in (
        _alarm_queries()
    )


def test_slack_429s_are_alarmed() -> None:
    from talkworthy.notify.slack_retry import RATE_LIMITED_METRIC

    assert f"SELECT SUM({RATE_LIMITED_METRIC}) FROM SCHEMA(Talkworthy, service)" in _alarm_queries()  # noqa: S608


PUSHING_SENDERS = {"standard", "zendesk", "canny", "discourse", "hubspot", "intercom"}  # slack: people's clicks


def test_every_sender_that_pushes_on_its_own_can_be_watched_for_silence() -> None:
    from chalicelib.senders import SENDERS

    assert set(SENDERS) - {"slack"} == PUSHING_SENDERS
    watched = {}
    for name, resource in RESOURCES.items():
        if resource["Type"] != "AWS::CloudWatch::Alarm" or not name.endswith("SilenceAlarm"):
            continue
        props = resource["Properties"]
        dimensions = {d["Name"]: d["Value"] for d in props["Dimensions"]}
        assert (props["Namespace"], props["MetricName"], dimensions["service"]) == ("Talkworthy", "Accepted", "ingress")
        # nothing at all in the gap is the alarm: no datapoint counts as breaching
        assert (props["TreatMissingData"], props["ComparisonOperator"], props["Threshold"]) == (
            "breaching",
            "LessThanThreshold",
            1,
        )
        hours = props["EvaluationPeriods"]["Ref"]
        assert props["DatapointsToAlarm"] == {"Ref": hours}
        assert props["Period"] == 3600
        parameter = TEMPLATE["Parameters"][hours]
        assert (parameter["Default"], parameter["MaxValue"]) == (0, 24)
        # off unless the operator gives the usual gap
        assert TEMPLATE["Conditions"][resource["Condition"]] == {"Fn::Not": [{"Fn::Equals": [{"Ref": hours}, 0]}]}
        watched[dimensions["source"]] = hours
    assert set(watched) == PUSHING_SENDERS


def test_the_dashboard_shows_each_contexts_latency_and_the_flows_throughput() -> None:
    body = RESOURCES["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for context in ("mentions", "cases", "notify", "customers", "ideas"):
        for stat in ("p50", "p99"):
            assert f'["Talkworthy", "EventLatency", "service", "{context}", {{"stat": "{stat}"}}]' in body
    assert "SUM(MatchedEvents)" in body
    assert "GROUP BY RuleName" in body
    assert "SUM(Rejections)" in body
    assert "SUM(SlackRateLimited)" in body


def test_an_ingress_attempt_frees_its_dedupe_key_only_after_it_would_have_timed_out() -> None:
    from chalicelib.wiring import IN_PROGRESS_SECONDS

    assert FUNCTIONS["IngressFunction"]["Properties"].get("Timeout", GLOBAL_TIMEOUT) < IN_PROGRESS_SECONDS
