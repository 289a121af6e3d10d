"""Functional tests run against moto, with every resource created from template.yaml."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from infra.local.provision import ProvisionedStack, provision

TEST_PARAMETERS = {
    "WebhookSecretsJson": '{"standard": {"signing": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]}}',
    "SlackBotToken": "xoxb-test",
    "ActionLinkKey": "test-action-link-key-0123456789abcdef",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_METRICS_NAMESPACE": "Talkworthy",  # the template's Globals, which Powertools reads
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture
def stack(aws: boto3.Session) -> ProvisionedStack:
    return provision(aws, stack_name="test", parameters=TEST_PARAMETERS)


@pytest.fixture
def mesh_table(aws: boto3.Session, stack: ProvisionedStack):  # type: ignore[no-untyped-def]
    return aws.resource("dynamodb").Table(stack.attr("MeshTable"))


@pytest.fixture
def crm_table(aws: boto3.Session, stack: ProvisionedStack):  # type: ignore[no-untyped-def]
    return aws.resource("dynamodb").Table(stack.attr("CrmTable"))
