"""DynamoDB plumbing shared by the identity and thread tables: calls, transactions, errors.

The table resource's client converts plain Python values for every operation, transactions
included, so items and expression values are passed untyped. A refused conditional write can hand
back the item that refused it (``ReturnValuesOnConditionCheckFailure``) at no extra cost: see
:func:`write_or_current`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from talkworthy.errors import ConfigurationError, PermanentError, RetryableError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = [
    "Action",
    "Table",
    "batch_get",
    "call",
    "conditional",
    "delete",
    "put",
    "query_all",
    "transact",
    "update",
    "write_or_current",
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
_BATCH_ROUNDS = 5


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


_DESERIALIZER = TypeDeserializer()


def write_or_current(operation: Any, **kwargs: Any) -> tuple[bool, dict[str, Any] | None]:
    """A conditional write: ``(True, None)`` when written, else ``(False, the item as it is now)``
    (``None`` if there is none), returned by the refusal itself: no read, no extra capacity."""
    try:
        operation(**kwargs, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            raw = err.response.get("Item")  # refusals come back in the wire format, untyped by hand
            return False, {name: _DESERIALIZER.deserialize(value) for name, value in raw.items()} if raw else None
        raise _translate(err) from err
    except BotoCoreError as err:
        raise RetryableError(f"DynamoDB: {err}") from err
    return True, None


def batch_get(table: Table, keys: Sequence[dict[str, str]], *, consistent: bool) -> list[dict[str, Any]]:
    """The items under ``keys`` (up to 100; absent ones left out) in one ``BatchGetItem``, or as few
    as DynamoDB lets through; each key is billed as its own ``GetItem`` would be."""
    found: list[dict[str, Any]] = []
    request: dict[str, Any] = {table.name: {"Keys": list(keys), "ConsistentRead": consistent}}
    for _ in range(_BATCH_ROUNDS):
        page = call(table.meta.client.batch_get_item, RequestItems=request)
        found += page.get("Responses", {}).get(table.name, [])
        request = page.get("UnprocessedKeys") or {}
        if not request:
            return found
    raise RetryableError("DynamoDB BatchGetItem: keys left unprocessed")


def _action(
    kind: str,
    condition: str | None,
    values: dict[str, Any] | None,
    names: dict[str, str] | None = None,
    **params: Any,
) -> Action:
    if condition is not None:
        params["ConditionExpression"] = condition
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return kind, params


def put(item: dict[str, Any], condition: str | None = None) -> Action:
    return _action("Put", condition, None, Item=item)


def update(
    key: dict[str, str],
    expression: str,
    values: dict[str, Any] | None = None,
    condition: str | None = None,
    names: dict[str, str] | None = None,
) -> Action:
    return _action("Update", condition, values, names, Key=key, UpdateExpression=expression)


def delete(key: dict[str, str], condition: str | None = None, values: dict[str, Any] | None = None) -> Action:
    return _action("Delete", condition, values, Key=key)


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
