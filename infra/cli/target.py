"""Which stack the CLI talks to: the local mesh `make run` started, or a deployed stack.

Locally, ``make run`` writes ``.talkworthy/mesh.json`` (the embedded AWS's endpoint, the ingress
URL, the physical name of every resource) and removes it on stop; ``TALKWORTHY_MESH_FILE`` points
elsewhere. For a deployed stack the same
names come from CloudFormation (``describe_stack_resources``) with the operator's profile and
region. Either way the contexts are read from template.yaml: each function with an SQS event is
a context, its queue's redrive policy names its DLQ.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local.template import REPO_ROOT, load_template

__all__ = ["ENDPOINTS_FILE", "Context", "Target", "contexts_from_template", "find_target"]

ENDPOINTS_FILE = REPO_ROOT / ".talkworthy" / "mesh.json"


@dataclass(frozen=True)
class Context:
    name: str  # mentions, cases, ...
    function: str  # logical ids
    queue: str
    dlq: str


def contexts_from_template() -> list[Context]:
    resources = load_template()["Resources"]
    found = []
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            queue = event["Properties"]["Queue"]["Fn::GetAtt"][0]
            dlq = resources[queue]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            found.append(Context(logical_id.removesuffix("Function").lower(), logical_id, queue, dlq))
    return found


@dataclass
class Target:
    """A stack to operate: a boto3 session pointed at it and its resources' physical ids."""

    description: str
    session: Any
    resources: dict[str, str]  # logical id -> physical id (a queue's URL, a table's name, ...)
    ingress_url: str | None
    endpoint_url: str | None = None

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url)

    def table(self, logical_id: str) -> Any:
        """A DynamoDB table resource of the stack (``MeshTable``, ``CrmTable``, ...)."""
        return self.session.resource("dynamodb", endpoint_url=self.endpoint_url).Table(self.resources[logical_id])

    def context(self, name: str) -> Context:
        for context in contexts_from_template():
            if context.name == name:
                return context
        known = ", ".join(c.name for c in contexts_from_template())
        raise KeyError(f"no context {name!r}; the stack's contexts are {known}")


def find_target(stack: str | None, region: str | None, profile: str | None) -> Target:
    import boto3

    if stack is None:
        endpoints = Path(os.environ.get("TALKWORTHY_MESH_FILE") or ENDPOINTS_FILE)
        if not endpoints.is_file():
            raise FileNotFoundError(
                f"no local mesh is running ({endpoints} is missing): start one with "
                "`make run`, or name a deployed stack with --stack"
            )
        local = json.loads(endpoints.read_text())
        session = boto3.Session(  # the embedded AWS takes any credentials
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106
            aws_session_token="testing",  # noqa: S106
            region_name=local["region"],
        )
        return Target(
            f"local mesh {local['stack_name']}",
            session,
            local["resources"],
            local["ingress_url"],
            endpoint_url=local["moto_url"],
        )
    session = boto3.Session(profile_name=profile, region_name=region)
    cloudformation = session.client("cloudformation")
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack)
        for r in page["StackResourceSummaries"]
    }
    outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    ingress = next((o["OutputValue"] for o in outputs if o["OutputKey"] == "IngressUrl"), None)
    return Target(f"stack {stack} ({session.region_name})", session, resources, ingress)
