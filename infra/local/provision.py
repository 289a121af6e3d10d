"""Create what template.yaml declares in the embedded AWS, and describe its functions.

Resources are created in dependency order with their properties resolved as CloudFormation
would; rules keep their event patterns exactly as written. Types that have no local meaning
(IAM, queue policies, layers) are acknowledged explicitly; an unknown type is an error so a
resource can never be added to the template and silently missing locally.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local.template import REPO_ROOT, Resolver, load_template, references

__all__ = ["ApiRoute", "FunctionSpec", "ProvisionedStack", "QueueSource", "ScheduleSource", "create_table", "provision"]

_NO_LOCAL_MEANING = {
    "AWS::SQS::QueuePolicy",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::Serverless::LayerVersion",
    "AWS::Lambda::Permission",
}


@dataclass(frozen=True)
class QueueSource:
    queue_url: str
    queue_arn: str
    batch_size: int
    batching_window: int
    report_batch_item_failures: bool
    maximum_concurrency: int | None


@dataclass(frozen=True)
class ScheduleSource:
    name: str
    expression: str
    timezone: str = "UTC"  # ScheduleV2's ScheduleExpressionTimezone; scheduled rules run in UTC


@dataclass(frozen=True)
class ApiRoute:
    path: str
    method: str


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    code_dir: Path
    handler: str
    timeout: int
    memory: int
    environment: dict[str, str]
    queues: list[QueueSource] = field(default_factory=list)
    schedules: list[ScheduleSource] = field(default_factory=list)
    routes: list[ApiRoute] = field(default_factory=list)


@dataclass
class ProvisionedStack:
    resolver: Resolver
    functions: dict[str, FunctionSpec]
    outputs: dict[str, Any]
    queues: dict[str, str]  # logical id -> queue url (DLQs included)
    schedule_groups: list[str]

    def attr(self, logical_id: str, attribute: str = "Ref") -> Any:
        return self.resolver.attributes[logical_id][attribute]


def _creation_order(resources: dict[str, Any]) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in order:
            return
        if logical_id in visiting:
            raise ValueError(f"circular reference through {logical_id}")
        visiting.add(logical_id)
        for dep in sorted(references(resources[logical_id]) & resources.keys()):
            visit(dep)
        visiting.discard(logical_id)
        order.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return order


def create_table(client: Any, props: dict[str, Any]) -> None:
    """An ``AWS::DynamoDB::Table`` from its resolved properties: on demand, with its TTL."""
    args = {
        key: props[key]
        for key in ("TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes")
        if key in props
    }
    client.create_table(BillingMode="PAY_PER_REQUEST", **args)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=props["TableName"], TimeToLiveSpecification=ttl)


class _Provisioner:
    def __init__(self, session: Any, resolver: Resolver, template: dict[str, Any]) -> None:
        self.session = session
        self.r = resolver
        self.template = template
        self.globals = template.get("Globals", {}).get("Function", {})
        self.functions: dict[str, FunctionSpec] = {}
        self.queues: dict[str, str] = {}
        self.schedule_groups: list[str] = []
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.r.region}:{self.r.account}:{resource}"

    def create(self, logical_id: str, resource: dict[str, Any]) -> None:
        kind = resource["Type"]
        props = self.r.resolve(resource.get("Properties", {}))
        attrs: dict[str, Any]
        if kind in _NO_LOCAL_MEANING:
            name = f"{self.r.stack_name}-{logical_id}"
            attrs = {"Ref": name, "Arn": self.arn("iam", f"role/{name}")}
        elif kind == "AWS::Events::EventBus":
            arn = self.client("events").create_event_bus(Name=props["Name"])["EventBusArn"]
            attrs = {"Ref": props["Name"], "Name": props["Name"], "Arn": arn}
        elif kind == "AWS::Events::Archive":
            arn = self.client("events").create_archive(
                ArchiveName=props["ArchiveName"],
                EventSourceArn=props["SourceArn"],
                EventPattern=json.dumps(props.get("EventPattern", {})),
                RetentionDays=props.get("RetentionDays", 0),
            )["ArchiveArn"]
            attrs = {"Ref": props["ArchiveName"], "Arn": arn}
        elif kind == "AWS::Events::Rule":
            attrs = self._rule(logical_id, props)
        elif kind == "AWS::SQS::Queue":
            attrs = self._queue(logical_id, props)
        elif kind == "AWS::DynamoDB::Table":
            attrs = self._table(props)
        elif kind == "AWS::S3::Bucket":
            self.client("s3").create_bucket(Bucket=props["BucketName"])
            attrs = {"Ref": props["BucketName"], "Arn": f"arn:aws:s3:::{props['BucketName']}"}
        elif kind == "AWS::SecretsManager::Secret":
            arn = self.client("secretsmanager").create_secret(
                Name=props["Name"], SecretString=props.get("SecretString", "{}")
            )["ARN"]
            attrs = {"Ref": arn, "Id": arn}
        elif kind == "AWS::SNS::Topic":
            arn = self.client("sns").create_topic(Name=props["TopicName"])["TopicArn"]
            attrs = {"Ref": arn, "TopicName": props["TopicName"], "TopicArn": arn}
        elif kind == "AWS::SNS::Subscription":
            sub = self.client("sns").subscribe(
                TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"]
            )
            attrs = {"Ref": sub["SubscriptionArn"]}
        elif kind == "AWS::CloudWatch::Dashboard":
            self.client("cloudwatch").put_dashboard(
                DashboardName=props["DashboardName"], DashboardBody=props["DashboardBody"]
            )
            attrs = {"Ref": props["DashboardName"]}
        elif kind == "AWS::CloudWatch::Alarm":
            self.client("cloudwatch").put_metric_alarm(**props)
            attrs = {"Ref": props["AlarmName"], "Arn": self.arn("cloudwatch", f"alarm:{props['AlarmName']}")}
        elif kind == "AWS::KinesisFirehose::DeliveryStream":
            attrs = self._delivery_stream(logical_id, props)
        elif kind == "AWS::Scheduler::ScheduleGroup":
            arn = self.client("scheduler").create_schedule_group(Name=props["Name"])["ScheduleGroupArn"]
            self.schedule_groups.append(props["Name"])
            attrs = {"Ref": props["Name"], "Arn": arn}
        elif kind == "AWS::Serverless::HttpApi":  # served locally by the mesh's Chalice ingress
            attrs = {"Ref": f"{self.r.stack_name}-{logical_id}".lower()}
        elif kind == "AWS::Logs::LogGroup":
            attrs = self._log_group(logical_id, props)
        elif kind == "AWS::Serverless::Function":
            attrs = self._function(logical_id, props)
        else:
            raise ValueError(f"{logical_id}: resource type {kind} is not provisioned locally")
        self.r.attributes[logical_id] = attrs

    def _rule(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        events = self.client("events")
        name = props.get("Name", f"{self.r.stack_name}-{logical_id}")
        bus = props.get("EventBusName", "default")
        args: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if "EventPattern" in props:
            args["EventPattern"] = json.dumps(props["EventPattern"])
        if "ScheduleExpression" in props:
            args["ScheduleExpression"] = props["ScheduleExpression"]
        arn = events.put_rule(**args)["RuleArn"]
        if props.get("Targets"):
            events.put_targets(Rule=name, EventBusName=bus, Targets=props["Targets"])
        return {"Ref": name, "Arn": arn}

    def _queue(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        name = props.get("QueueName", f"{self.r.stack_name}-{logical_id}")
        attributes = {
            key: json.dumps(value) if isinstance(value, dict) else str(value)
            for key, value in props.items()
            if key in {"VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy", "DelaySeconds"}
        }
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.queues[logical_id] = url
        return {"Ref": url, "QueueUrl": url, "QueueName": name, "Arn": self.arn("sqs", name)}

    def _log_group(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        name = props.get("LogGroupName", f"/talkworthy/{self.r.stack_name}/{logical_id}")
        logs = self.client("logs")
        logs.create_log_group(logGroupName=name)
        if "RetentionInDays" in props:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
        return {"Ref": name, "Arn": self.arn("logs", f"log-group:{name}:*")}

    def _table(self, props: dict[str, Any]) -> dict[str, Any]:
        create_table(self.client("dynamodb"), props)
        arn = self.arn("dynamodb", f"table/{props['TableName']}")
        return {"Ref": props["TableName"], "Arn": arn}

    def _delivery_stream(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        """The properties are CreateDeliveryStream's parameters (boto3 rejects any it does not know).

        moto writes one S3 object per PutRecord at once: no buffering, compression or file extension.
        """
        name = props.get("DeliveryStreamName", f"{self.r.stack_name}-{logical_id}")
        args = {key: value for key, value in props.items() if key != "DeliveryStreamName"}
        arn = self.client("firehose").create_delivery_stream(DeliveryStreamName=name, **args)["DeliveryStreamARN"]
        return {"Ref": name, "Arn": arn}

    def _function(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        merged = {**self.r.resolve(self.globals), **props}
        env = {
            **self.r.resolve(self.globals.get("Environment", {}).get("Variables", {})),
            **props.get("Environment", {}).get("Variables", {}),
        }
        name = props.get("FunctionName", f"{self.r.stack_name}-{logical_id}")
        spec = FunctionSpec(
            logical_id=logical_id,
            name=name,
            code_dir=(REPO_ROOT / merged["CodeUri"]).resolve(),
            handler=merged["Handler"],
            timeout=int(merged.get("Timeout", 3)),
            memory=int(merged.get("MemorySize", 128)),
            environment={key: str(value) for key, value in env.items()},
        )
        for event_name, event in props.get("Events", {}).items():
            ev = event.get("Properties", {})
            if event["Type"] == "SQS":
                queue_name = ev["Queue"].rsplit(":", 1)[-1]
                spec.queues.append(
                    QueueSource(
                        queue_url=self.client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"],
                        queue_arn=ev["Queue"],
                        batch_size=int(ev.get("BatchSize", 10)),
                        batching_window=int(ev.get("MaximumBatchingWindowInSeconds", 0)),
                        report_batch_item_failures="ReportBatchItemFailures" in ev.get("FunctionResponseTypes", []),
                        maximum_concurrency=ev.get("ScalingConfig", {}).get("MaximumConcurrency"),
                    )
                )
            elif event["Type"] in {"Schedule", "ScheduleV2"}:
                v2 = event["Type"] == "ScheduleV2"
                if ev.get("Enabled") is False or ev.get("State") == "DISABLED":
                    continue  # a disabled schedule never fires
                spec.schedules.append(
                    ScheduleSource(
                        f"{name}-{event_name}",
                        ev["ScheduleExpression" if v2 else "Schedule"],
                        ev.get("ScheduleExpressionTimezone", "UTC") if v2 else "UTC",
                    )
                )
            elif event["Type"] in {"Api", "HttpApi"}:
                spec.routes.append(ApiRoute(ev["Path"], ev["Method"].upper()))
            else:
                raise ValueError(f"{logical_id}: event type {event['Type']} is not run locally")
        self.functions[logical_id] = spec
        return {"Ref": name, "Arn": self.arn("lambda", f"function:{name}")}


def provision(
    session: Any,
    *,
    stack_name: str,
    parameters: dict[str, str],
    region: str = "us-east-1",
    account: str = "123456789012",
    template_path: Path | None = None,
) -> ProvisionedStack:
    template = load_template(template_path) if template_path else load_template()
    declared = template.get("Parameters", {})
    values: dict[str, Any] = {name: spec.get("Default") for name, spec in declared.items()}
    unknown = set(parameters) - set(declared)
    if unknown:
        raise ValueError(f"unknown template parameters: {sorted(unknown)}")
    values.update(parameters)
    missing = sorted(name for name, value in values.items() if value is None)
    if missing:
        raise ValueError(f"template parameters without a value: {missing}")
    resolver = Resolver(stack_name, region, account, values, template.get("Conditions", {}))
    provisioner = _Provisioner(session, resolver, template)
    resources = template["Resources"]
    for logical_id in _creation_order(resources):
        resource = resources[logical_id]
        if "Condition" in resource and not resolver.condition(resource["Condition"]):
            continue
        provisioner.create(logical_id, resource)
    outputs = {name: resolver.resolve(out["Value"]) for name, out in template.get("Outputs", {}).items()}
    return ProvisionedStack(resolver, provisioner.functions, outputs, provisioner.queues, provisioner.schedule_groups)
