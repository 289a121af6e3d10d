"""DynamoDB plumbing shared by the identity and thread tables: calls, transactions, errors.

The table resource's client converts plain Python values for every operation, transactions
included, so items and expression values are passed untyped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from talkworthy.errors import ConfigurationError, PermanentError, RetryableError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = [
    "Action",
    "Table",
    "call",
    "check",
    "conditional",
    "delete",
    "put",
    "query_all",
    "transact",
    "update",
]

Action = tuple[str, dict[str, Any]]

_RETRYABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
_LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def _translate(err: ClientError) -> Exception:
    code = err.response.get("Error", {}).get("Code", "")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in _RETRYABLE or status >= 500:
        return RetryableError(f"DynamoDB {code}")
    if code == "ResourceNotFoundException":
        return ConfigurationError("the mesh table does not exist")
    return PermanentError(f"DynamoDB {code}: {err}")


def call(operation: Any, **kwargs: Any) -> Any:
    """One table call with errors translated into the Talkworthy hierarchy."""
    try:
        return operation(**kwargs)
    except ClientError as err:
        raise _translate(err) from err
    except BotoCoreError as err:
        raise RetryableError(f"DynamoDB: {err}") from err


def conditional(operation: Any, **kwargs: Any) -> bool:
    """A conditional write: ``False`` (nothing written) when its condition does not hold."""
    try:
        operation(**kwargs)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise _translate(err) from err
    except BotoCoreError as err:
        raise RetryableError(f"DynamoDB: {err}") from err
    return True


def _action(kind: str, condition: str | None, values: dict[str, Any] | None, **params: Any) -> Action:
    if condition is not None:
        params["ConditionExpression"] = condition
    if values:
        params["ExpressionAttributeValues"] = values
    return kind, params


def put(item: dict[str, Any], condition: str | None = None) -> Action:
    return _action("Put", condition, None, Item=item)


def update(
    key: dict[str, str], expression: str, values: dict[str, Any] | None = None, condition: str | None = None
) -> Action:
    return _action("Update", condition, values, Key=key, UpdateExpression=expression)


def delete(key: dict[str, str], condition: str | None = None, values: dict[str, Any] | None = None) -> Action:
    return _action("Delete", condition, values, Key=key)


def check(key: dict[str, str], condition: str) -> Action:
    return _action("ConditionCheck", condition, None, Key=key)


def transact(table: Table, actions: Sequence[Action]) -> list[str] | None:
    """``TransactWriteItems`` on this table; ``None`` on success, else each action's refusal code.

    Actions are ``("Put" | "Update" | "Delete" | "ConditionCheck", params)``. A failed condition
    or a conflicting concurrent transaction is a lost race the caller resolves by re-reading;
    anything else raises.
    """
    items = [{kind: {"TableName": table.name, **params}} for kind, params in actions]
    try:
        table.meta.client.transact_write_items(TransactItems=items)
    except ClientError as err:
        codes = [str(reason.get("Code", "None")) for reason in err.response.get("CancellationReasons") or []]
        if _LOST_RACE & set(codes):
            return codes
        raise _translate(err) from err
    except BotoCoreError as err:
        raise RetryableError(f"DynamoDB: {err}") from err
    return None


def query_all(table: Table, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a query, page after page."""
    while True:
        page = call(table.query, **kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
