"""DynamoDB errors leave talkworthy.dynamo as the Talkworthy hierarchy; refused conditions are answers."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
)

from talkworthy.dynamo import call, condition_failed, conditional, translate, write_or_current
from talkworthy.errors import ConfigurationError, PermanentError, RetryableError


def client_error(code: str, status: int = 400, reasons: list[str] | None = None, **extra: Any) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **extra,
    }
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "SomeOperation")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "code",
    [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "TransactionConflictException",
    ],
)
def test_throttling_and_server_codes_are_retryable(code: str) -> None:
    error = translate(client_error(code))
    assert type(error) is RetryableError
    assert code in str(error)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_any_5xx_is_retryable_whatever_its_code(status: int) -> None:
    assert type(translate(client_error("SomethingNew", status))) is RetryableError


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "AccessDeniedException", "UnrecognizedClientException"])
def test_a_missing_table_or_refused_identity_is_configuration(code: str) -> None:
    error = translate(client_error(code), "cursor store")
    assert type(error) is ConfigurationError
    assert str(error).startswith(f"cursor store: {code}")


@pytest.mark.parametrize("code", ["ValidationException", "ItemCollectionSizeLimitExceededException", "Unheard"])
def test_other_4xx_codes_are_permanent(code: str) -> None:
    assert type(translate(client_error(code))) is PermanentError


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (["None", "TransactionConflict"], RetryableError),
        (["ThrottlingError", "None"], RetryableError),
        (["ProvisionedThroughputExceeded"], RetryableError),
        (["None", "ValidationError"], PermanentError),
        (["ItemCollectionSizeLimitExceeded", "None"], PermanentError),
    ],
)
def test_a_cancelled_transaction_is_judged_by_its_reasons(reasons: list[str], expected: type[Exception]) -> None:
    error = translate(client_error("TransactionCanceledException", reasons=reasons))
    assert type(error) is expected


def test_a_permanent_cancellation_names_its_reasons() -> None:
    error = translate(client_error("TransactionCanceledException", reasons=["None", "ValidationError"]))
    assert "['None', 'ValidationError']" in str(error)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), RetryableError),
        (ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"), RetryableError),
        (NoCredentialsError(), ConfigurationError),
        (ParamValidationError(report="Missing required parameter Key"), PermanentError),
    ],
)
def test_botocore_errors_without_a_response(error: Exception, expected: type[Exception]) -> None:
    assert type(translate(error)) is expected  # type: ignore[arg-type]


def test_condition_failures_are_recognised_by_code_in_a_write_and_in_a_transaction() -> None:
    assert condition_failed(client_error("ConditionalCheckFailedException"))
    assert condition_failed(client_error("TransactionCanceledException", reasons=["None", "ConditionalCheckFailed"]))
    assert not condition_failed(client_error("TransactionCanceledException", reasons=["TransactionConflict"]))
    assert not condition_failed(client_error("ValidationException"))
    assert not condition_failed(ValueError("ConditionalCheckFailedException"))


def raising(error: Exception) -> Any:
    def operation(**kwargs: Any) -> Any:
        raise error

    return operation


def test_call_translates_and_chains_the_original() -> None:
    original = client_error("ThrottlingException")
    with pytest.raises(RetryableError) as caught:
        call(raising(original), Key={"pk": "x"})
    assert caught.value.__cause__ is original


def test_conditional_answers_false_on_a_refused_condition_and_raises_otherwise() -> None:
    assert conditional(raising(client_error("ConditionalCheckFailedException"))) is False
    assert conditional(lambda **kwargs: {}) is True
    with pytest.raises(ConfigurationError):
        conditional(raising(client_error("ResourceNotFoundException")))


def test_write_or_current_hands_back_the_refusing_item_typed() -> None:
    refusal = client_error("ConditionalCheckFailedException", Item={"pk": {"S": "PACE#C1"}, "next_at": {"N": "12.5"}})
    written, item = write_or_current(raising(refusal), Key={"pk": "PACE#C1"})
    assert written is False
    assert item == {"pk": "PACE#C1", "next_at": 12.5}

    sent: dict[str, Any] = {}

    def update(**kwargs: Any) -> Any:
        sent.update(kwargs)
        return {"Attributes": {"next_at": 13}}

    assert write_or_current(update, Key={"pk": "PACE#C1"}) == (True, {"next_at": 13})
    assert sent["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"
    assert write_or_current(raising(client_error("ConditionalCheckFailedException"))) == (False, None)
