"""The embedded AWS's faults (TALKWORTHY_FAULTS) over real HTTP, and their end when turned off."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from infra.local.faults import ENV
from infra.local.moto_faults import INJECTED_PATH
from infra.local.template import REPO_ROOT
from talkworthy.dynamo import translate
from talkworthy.errors import PermanentError, RetryableError

# what every handler's clients use (talkworthy.clients), but a short read timeout
CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "faults.yaml"
    path.write_text("enabled: false\n")
    return path


@pytest.fixture(scope="module")
def aws(plan: Path) -> Iterator[boto3.Session]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "infra.local.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, ENV: str(plan)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        session = boto3.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1")
        session.url = url  # type: ignore[attr-defined]
        dynamodb = session.client("dynamodb", endpoint_url=url)
        for name, key in (("stack-crm", "pk"), ("stack-idempotency", "id"), ("stack-mesh", "pk")):
            dynamodb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        yield session
    finally:
        server.terminate()
        server.wait(timeout=10)


def _apply(plan: Path, text: str) -> None:
    plan.write_text(text)
    stat = plan.stat()
    os.utime(plan, (stat.st_atime, stat.st_mtime + 1))
    time.sleep(1.1)  # the server checks its plan at most once a second


def _client(aws: boto3.Session, service: str) -> object:
    return aws.client(service, endpoint_url=aws.url, config=CONFIG)  # type: ignore[attr-defined]


def _get(aws: boto3.Session, table: str) -> Exception | None:
    try:
        key = "id" if table.endswith("-idempotency") else "pk"
        _client(aws, "dynamodb").get_item(TableName=table, Key={key: {"S": "x"}})  # type: ignore[attr-defined]
    except (ClientError, BotoCoreError) as err:
        return err
    return None


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("error_500", "InternalServerError"),
        ("throttle_429", "ThrottlingException"),
        ("refuse_400", "ValidationException"),
    ],
)
def test_the_crm_table_answers_the_fault_after_botocores_retries(aws, plan, fault, code) -> None:
    _apply(plan, f"crm: {{{fault}: 1.0}}\n")
    err = _get(aws, "stack-crm")
    assert isinstance(err, ClientError)
    assert err.response["Error"]["Code"] == code
    if fault == "refuse_400":  # refused for good: not retried, the consumer parks the event
        assert isinstance(translate(err), PermanentError)
        return
    assert err.response["ResponseMetadata"]["RetryAttempts"] == 3  # botocore retried it (max_attempts counts retries)
    assert isinstance(translate(err), RetryableError)  # what the CRM adapter raises: the record is retried
    assert _get(aws, "stack-mesh") is None  # other tables are untouched


def test_a_crm_timeout_hangs_then_drops_the_connection(aws, plan) -> None:
    _apply(plan, "crm: {timeout: 1.0, hang_seconds: 0.2}\n")
    started = time.monotonic()
    err = _get(aws, "stack-crm")
    assert isinstance(err, BotoCoreError)
    assert time.monotonic() - started >= 0.6  # three attempts, each hung 0.2 s
    assert isinstance(translate(err), RetryableError)


def test_the_ingress_outage_makes_its_archive_and_dedupe_table_unreachable(aws, plan) -> None:
    _apply(plan, "ingress_outage: {every_seconds: 3600, seconds: 3600, dedupe_table: true}\n")
    assert isinstance(_get(aws, "stack-idempotency"), BotoCoreError)
    firehose = _client(aws, "firehose")
    with pytest.raises(BotoCoreError):
        firehose.put_record(DeliveryStreamName="raw", Record={"Data": b"{}"})  # type: ignore[attr-defined]
    assert _get(aws, "stack-crm") is None  # the consumers' tables are reachable


def test_an_unreachable_dedupe_store_is_a_retryable_error_not_a_crash(aws, plan) -> None:
    """Found by the reliability suite: Powertools wraps the store's errors, which reached the
    ingress as an unhandled exception (a bare 500) instead of its 503 with Retry-After."""
    from talkworthy.idempotency import DynamoDbOnce, InvocationDeadline

    once = DynamoDbOnce("stack-idempotency", _client(aws, "dynamodb"), expires_after_seconds=60)
    _apply(plan, "ingress_outage: {every_seconds: 3600, seconds: 3600, dedupe_table: true}\n")
    with pytest.raises(RetryableError, match="idempotency store"):
        once.run("standard:msg_1", lambda: {"published": 1}, InvocationDeadline(30))
    _apply(plan, "enabled: false\n")
    assert once.run("standard:msg_1", lambda: {"published": 1}, InvocationDeadline(30)) == ({"published": 1}, True)


def test_a_slow_dependency_answers_late(aws, plan) -> None:
    _apply(plan, "slow: {rate: 1.0, seconds: 0.3}\n")
    started = time.monotonic()
    assert _get(aws, "stack-mesh") is None
    assert time.monotonic() - started >= 0.3


def test_turned_off_everything_answers_again_and_what_was_injected_is_counted(aws, plan) -> None:
    _apply(plan, "enabled: false\n")
    assert _get(aws, "stack-crm") is None
    assert _get(aws, "stack-idempotency") is None
    injected = requests.get(f"{aws.url}{INJECTED_PATH}", timeout=5).json()  # type: ignore[attr-defined]
    assert {"crm_400", "crm_500", "crm_429", "crm_timeout", "ingress_outage", "slow"} <= set(injected)
