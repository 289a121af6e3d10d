"""The ingress Lambda as deployed: HTTP API (payload format 1.0) events into the handler the template
names (``app.app``), against moto with every resource created from template.yaml."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import boto3
import pytest

from chalicelib import wiring
from chalicelib.senders.base import WebhookDelivery
from chalicelib.wiring import FirehoseRawArchive
from infra.local.mesh import DEV_SECRETS
from infra.local.provision import ProvisionedStack, provision
from infra.local.runtime import LocalFunction
from infra.samples import WebhookSample, load_webhook_samples, signed_request
from talkworthy import clients
from talkworthy.catalog.actions import Target
from talkworthy.errors import RetryableError
from talkworthy.notify.modal import CHOICE_ACTION, CHOICE_BLOCK, link_contact_view

DEV = json.loads(DEV_SECRETS.read_text())
API_ID = "a1b2c3d4e5"
HOST = f"{API_ID}.execute-api.us-east-1.amazonaws.com"


def _sample(source: str, name: str) -> WebhookSample:
    return next(s for s in load_webhook_samples() if s.source == source and s.name == name)


def http_api_event(
    method: str,
    route: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    path_parameters: dict[str, str] | None = None,
    base64_body: bool = False,
    request_id: str = "Kx9aRjnSoAMEVdw=",
) -> dict[str, Any]:
    """An HTTP API request as API Gateway hands it to Lambda with payload format 1.0, shaped like the
    documented example (API Gateway developer guide, "Create AWS Lambda proxy integrations for HTTP
    APIs", payload format 1.0): the $default stage, header names lower-cased, the x-forwarded-*
    headers API Gateway adds, and a binary body base64-encoded."""
    names = {
        "host": HOST,
        "user-agent": "sender/1.0",
        "x-forwarded-for": "192.0.2.1",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if body is not None:
        names["content-length"] = str(len(body))
    names |= {name.lower(): value for name, value in (headers or {}).items()}
    encoded = None if body is None else base64.b64encode(body).decode() if base64_body else body.decode()
    return {
        "version": "1.0",
        "resource": route,
        "path": path,
        "httpMethod": method,
        "headers": names,
        "multiValueHeaders": {name: [value] for name, value in names.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_ID,
            "authorizer": {"claims": None, "scopes": None},
            "domainName": HOST,
            "domainPrefix": API_ID,
            "extendedRequestId": request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "192.0.2.1",
                "user": None,
                "userAgent": "sender/1.0",
                "userArn": None,
            },
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": "04/Mar/2020:19:15:17 +0000",
            "requestTimeEpoch": 1583349317135,
            "resourceId": None,
            "resourcePath": route,
            "stage": "$default",
        },
        "pathParameters": path_parameters,
        "stageVariables": None,
        "body": encoded,
        "isBase64Encoded": base64_body,
    }


def _webhook_event(sample: WebhookSample, *, base64_body: bool = False, request_id: str) -> dict[str, Any]:
    url = f"https://{HOST}/webhooks/{sample.source}"  # what HubSpot signs: the URL it called
    path, headers, body = signed_request(sample, DEV["webhooks"], url, time.time(), delivery_id=request_id)
    return http_api_event(
        "POST",
        "/webhooks/{source}",
        path,
        headers=headers,
        body=body,
        path_parameters={"source": sample.source},
        base64_body=base64_body,
        request_id=request_id,
    )


def _cold_start() -> None:
    """A new container: nothing cached from an earlier test's environment."""
    for cached in (clients.aws_client, wiring.settings, wiring.ingress):
        cached.cache_clear()


@pytest.fixture
def stack(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProvisionedStack]:
    provisioned = provision(
        aws,
        stack_name="test",
        parameters={
            "WebhookSecretsJson": json.dumps(DEV["webhooks"]),
            "SlackBotToken": DEV["slack_bot_token"],
            "ActionLinkKey": DEV["action_link_key"],
        },
    )
    for name, value in provisioned.functions["IngressFunction"].environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    _cold_start()
    yield provisioned
    _cold_start()


@pytest.fixture
def ingress(stack: ProvisionedStack) -> LocalFunction:
    return LocalFunction(stack.functions["IngressFunction"], "us-east-1", "123456789012")


def _answer(response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    assert response["headers"]["Content-Type"] == "application/json"  # an HTTP API would say text/plain
    return response["statusCode"], json.loads(response["body"])


def _archived(aws: boto3.Session, stack: ProvisionedStack) -> list[dict[str, Any]]:
    """The archive's JSON lines in the bucket (moto's Firehose writes each record at once, uncompressed)."""
    s3, bucket = aws.client("s3"), stack.attr("RawDeliveriesBucket")
    objects = s3.list_objects_v2(Bucket=bucket, Prefix="raw/").get("Contents", [])
    bodies = [s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in objects]
    return [json.loads(line) for body in bodies for line in body.splitlines()]


def _mentions_queue(aws: boto3.Session, stack: ProvisionedStack) -> list[dict[str, Any]]:
    messages = aws.client("sqs").receive_message(QueueUrl=stack.queues["MentionsQueue"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


@pytest.mark.parametrize(("route", "document"), [("/health", {"status": "ok"}), ("/openapi.json", None)])
def test_get_routes_answer_an_http_api_event(ingress: LocalFunction, route: str, document: Any) -> None:
    status, body = _answer(ingress.invoke(http_api_event("GET", route, route)))
    assert status == 200
    assert body == document if document else "/webhooks/{source}" in body["paths"]


@pytest.mark.parametrize("base64_body", [False, True], ids=["text-body", "base64-body"])
def test_signed_webhook_is_verified_archived_and_published(
    aws: boto3.Session, stack: ProvisionedStack, ingress: LocalFunction, base64_body: bool
) -> None:
    sample = _sample("standard", "mention_created_complaint")
    event = _webhook_event(sample, base64_body=base64_body, request_id="msg_httpapi0001")

    status, body = _answer(ingress.invoke(event))

    assert (status, body["status"], body["delivery"]) == (202, "accepted", "msg_httpapi0001")
    assert body["archived"]  # the Firehose RecordId
    [record] = [r for r in _archived(aws, stack) if r["correlation_id"] == "msg_httpapi0001"]
    assert base64.b64decode(record["body_base64"]) == sample.body
    assert record["url"] == f"https://{HOST}/webhooks/standard"
    assert record["headers"]["webhook-id"] == "msg_httpapi0001"
    assert [m["detail-type"] for m in _mentions_queue(aws, stack)] == ["Mention.Received"]


def test_hubspot_signature_over_the_default_stage_url_verifies(ingress: LocalFunction) -> None:
    """HubSpot signs the URL it called; on the $default stage that URL has no stage segment."""
    sample = _sample("hubspot", "contact_created")
    status, body = _answer(ingress.invoke(_webhook_event(sample, request_id="hubspot-0001")))
    assert (status, body["status"]) == (sample.expect.status, "accepted"), body


def test_archive_failure_answers_503_and_publishes_nothing(
    aws: boto3.Session, stack: ProvisionedStack, ingress: LocalFunction
) -> None:
    aws.client("firehose").delete_delivery_stream(DeliveryStreamName=stack.attr("RawDeliveriesStream"))
    event = _webhook_event(_sample("standard", "mention_created_complaint"), request_id="msg_httpapi0002")

    response = ingress.invoke(event)
    status, body = _answer(response)

    assert (status, body["status"], response["headers"]["Retry-After"]) == (503, "error", "30")
    assert "raw archive" in body["reason"]
    assert _mentions_queue(aws, stack) == []
    idempotency = aws.client("dynamodb").scan(TableName=stack.attr("IdempotencyTable"))
    assert idempotency["Count"] == 0  # the dedupe key is still free: the sender's retry publishes


def test_firehose_errors_are_retryable(aws: boto3.Session) -> None:
    delivery = WebhookDelivery(
        source="standard",
        body=b"{}",
        headers={},
        correlation_id="c",
        received_at=datetime.now(UTC),
        method="POST",
        url="https://hooks.example/webhooks/standard",
        path_params={},
    )
    with pytest.raises(RetryableError, match="ResourceNotFoundException"):
        FirehoseRawArchive(aws.client("firehose"), "no-such-stream").store(delivery)


def _link_contact_submission() -> WebhookSample:
    """Sam submits the Link to contact modal notify opened, having chosen a Salesforce contact."""
    sample = _sample("slack", "view_submission")
    payload = json.loads(parse_qs(sample.body.decode())["payload"][0])
    target = Target(kind="case", system="dynamodb", id="TW-1")
    view = link_contact_view(target, "p-1", "@ada", [], message_ref="C0CARE:1.2", response_url=None)
    chosen = {"type": "radio_buttons", "selected_option": {"value": "salesforce/0035e000001AbcD"}}
    payload["view"] |= {
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": {CHOICE_BLOCK: {CHOICE_ACTION: chosen}}},
    }
    body = urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()
    return replace(sample, name="view_submission_link_contact", body=body)


def _cases_queue(aws: boto3.Session, stack: ProvisionedStack) -> list[dict[str, Any]]:
    messages = aws.client("sqs").receive_message(QueueUrl=stack.queues["CasesQueue"], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def test_a_modal_submission_is_answered_with_an_empty_200_and_published_once(
    aws: boto3.Session, stack: ProvisionedStack, ingress: LocalFunction
) -> None:
    """Slack reads any body of a view_submission answer as a response_action: only an empty one closes it."""
    sample = _link_contact_submission()

    first = ingress.invoke(_webhook_event(sample, request_id="req-view-1"))
    again = ingress.invoke(_webhook_event(sample, request_id="req-view-2"))  # a double submit, or Slack's retry

    assert [(r["statusCode"], r["body"]) for r in (first, again)] == [(200, ""), (200, "")]
    assert "Content-Type" not in first["headers"]
    [taken] = _cases_queue(aws, stack)
    assert taken["detail-type"] == "Action.Taken"
    assert (taken["detail"]["action"], taken["detail"]["argument"]) == (
        "confirm_link",
        "p-1|crm:salesforce/0035e000001AbcD",
    )
    assert {r["correlation_id"] for r in _archived(aws, stack)} == {"req-view-1", "req-view-2"}  # both kept as received


def test_every_modal_submission_is_empty_and_every_other_answer_json(
    aws: boto3.Session, stack: ProvisionedStack, ingress: LocalFunction
) -> None:
    ignored = ingress.invoke(_webhook_event(_sample("slack", "view_submission"), request_id="req-view-3"))
    assert (ignored["statusCode"], ignored["body"]) == (200, "")  # a modal the mesh does not route still closes

    status, click = _answer(ingress.invoke(_webhook_event(_sample("slack", "block_actions_claim"), request_id="r4")))
    assert (status, click["status"], click["published"]) == (200, "accepted", 1)

    forged = _webhook_event(_link_contact_submission(), request_id="req-view-5")
    forged["headers"]["x-slack-signature"] = "v0=" + "0" * 64
    status, rejected = _answer(ingress.invoke(forged))
    assert (status, rejected["status"]) == (401, "rejected")  # a refusal still says why
