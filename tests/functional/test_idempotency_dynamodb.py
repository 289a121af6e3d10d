"""DynamoDbOnce (Powertools idempotency on DynamoDB): each call's INPROGRESS record expires by its
own invocation's deadline, whatever other invocations in the same process do meanwhile."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from talkworthy.errors import RetryableError
from talkworthy.idempotency import IN_PROGRESS_RETRY_SECONDS, AlreadyInProgressError, DynamoDbOnce, InvocationDeadline


@pytest.fixture
def once(aws: boto3.Session) -> DynamoDbOnce:
    aws.client("dynamodb").create_table(
        TableName="idempotency",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return DynamoDbOnce("idempotency", aws.client("dynamodb"), expires_after_seconds=3600)


def _in_progress_expiry(aws: boto3.Session) -> dict[str, float]:
    items = aws.client("dynamodb").scan(TableName="idempotency")["Items"]
    return {item["id"]["S"]: int(item["in_progress_expiration"]["N"]) / 1000 for item in items}


def test_an_in_progress_record_expires_by_its_own_invocation_s_deadline(
    aws: boto3.Session, once: DynamoDbOnce, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two batches of one function run at once in the local runtime (on Lambda, two containers). While
    # the first call is between taking its context and writing its INPROGRESS record, the other batch
    # (its invocation nearly out of time) runs a call of its own.
    configure = once._store.configure
    interleaved: list[bool] = []

    def configure_then_let_the_other_batch_run(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        if not interleaved:
            interleaved.append(True)
            once.run("other-batch", lambda: {"sent": "b"}, InvocationDeadline(0.05))

    monkeypatch.setattr(once._store, "configure", configure_then_let_the_other_batch_run)
    seen: dict[str, float] = {}

    def effect() -> dict[str, Any]:
        seen.update(_in_progress_expiry(aws))
        return {"sent": "a"}

    started = time.time()
    result, ran = once.run("this-batch", effect, InvocationDeadline(30))

    assert (result, ran, interleaved) == ({"sent": "a"}, True, [True])
    mine = next(expiry for key, expiry in seen.items() if key.endswith(_hash_of(once, "this-batch")))
    assert mine >= started + 25  # its own 30 s, not the other invocation's 50 ms


def _hash_of(once: DynamoDbOnce, key: str) -> str:
    return once._store._get_hashed_idempotency_key({"key": key}).rpartition("#")[2]


def test_a_copy_arriving_while_the_first_runs_is_retried_in_a_few_seconds(once: DynamoDbOnce) -> None:
    # notify handles two copies of one event in two batches at once: the second must not post, and
    # is retried soon (a RetryableError with retry_after), not after the queue's visibility timeout
    seen: list[BaseException] = []

    def post() -> dict[str, Any]:
        try:
            once.run("notify:k", lambda: {"sent": "second"}, InvocationDeadline(30))
        except RetryableError as err:
            seen.append(err)
        return {"sent": "first"}

    assert once.run("notify:k", post, InvocationDeadline(30)) == ({"sent": "first"}, True)
    assert [type(err) for err in seen] == [AlreadyInProgressError]
    assert seen[0].retry_after == IN_PROGRESS_RETRY_SECONDS  # type: ignore[attr-defined]
    assert once.run("notify:k", lambda: {"sent": "third"}, InvocationDeadline(30)) == ({"sent": "first"}, False)
