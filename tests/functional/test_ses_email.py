"""SesEmailAdapter against moto's SES v2 (which stores mail in the shared SES v1 backend)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from talkworthy.catalog import ActionRequested, EventMeta, Target
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.notify import ActionLinkSigner, SesEmailAdapter, render_email

REGION = "us-east-1"
SENDER = "talkworthy@example.com"


@pytest.fixture
def sesv2(aws: boto3.Session) -> Any:
    return aws.client("sesv2", region_name=REGION)


def _sent() -> list[Any]:
    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def _request() -> ActionRequested:
    return ActionRequested(
        meta=EventMeta(
            event_key="k1",
            correlation_id="d1",
            producer="talkworthy.route",
            occurred_at=datetime(2024, 7, 2, tzinfo=UTC),
        ),
        channel="email",
        audience="owner@example.com",
        headline="Gold customer at risk: Acme <Ltd>",
        body="No order for 41 days; usually every 12.",
        facts={"segment": "gold", "expected": "every 12 days"},
        target=Target(kind="profile", id="p-9"),
        actions=["claim", "dismiss"],
    )


def test_verified_sender_sends_the_rendered_mail(sesv2):
    sesv2.create_email_identity(EmailIdentity=SENDER)
    request = _request()
    signer = ActionLinkSigner([b"s" * 32], ttl_seconds=86_400)
    links = signer.links("https://hooks.example.com", request.actions, request.target, request.audience, 1.7e9)
    subject, text, html = render_email(request, links)

    message_id = SesEmailAdapter(sesv2, SENDER).send(request.audience, subject, text, html)

    [sent] = _sent()
    assert message_id == sent.id
    assert sent.source == SENDER
    assert sent.destinations["ToAddresses"] == ["owner@example.com"]
    assert sent.subject == "Gold customer at risk: Acme <Ltd>"
    assert sent.body == html  # moto keeps only the Html part when both are sent (LOCAL_AWS.md)
    assert "Acme &lt;Ltd&gt;" in sent.body
    assert links["claim"] in text
    assert links["dismiss"].replace("&", "&amp;") in sent.body


def test_unverified_sender_is_permanent(sesv2):
    with pytest.raises(PermanentError, match="MessageRejected"):
        SesEmailAdapter(sesv2, "nobody@example.com").send("owner@example.com", "s", "t", "<p>h</p>")
    assert _sent() == []


class _ThrottledClient:
    """Stands in for SES answering 429: moto has no throttling to provoke."""

    def send_email(self, **_: Any) -> Any:
        from botocore.exceptions import ClientError

        raise ClientError(
            {
                "Error": {"Code": "TooManyRequestsException", "Message": "slow down"},
                "ResponseMetadata": {"HTTPStatusCode": 429},
            },
            "SendEmail",
        )


def test_throttling_is_retryable():
    with pytest.raises(RetryableError, match="TooManyRequestsException"):
        SesEmailAdapter(_ThrottledClient(), SENDER).send("owner@example.com", "s", "t", "<p>h</p>")
