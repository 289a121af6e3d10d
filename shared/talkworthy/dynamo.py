"""DynamoDB plumbing for every store: calls, conditional writes, transactions, and their errors.

Every error a table call raises leaves here as one of :mod:`talkworthy.errors`
(:func:`translate`): throttling, a conflicting transaction, HTTP 5xx and connection failures are
:class:`RetryableError`; a missing table or a refused identity is :class:`ConfigurationError`;
anything else is :class:`PermanentError`. A failed condition is not an error but an answer:
:func:`conditional`, :func:`write_or_current` and :func:`transact` return it. It is recognised by
error code (:func:`condition_failed`), never by the client's modelled exception class: those are
built lazily per client, and threads sharing a fresh client can each get their own copy.

The table resource's client converts plain Python values for every operation, transactions
included, so items and expression values are passed untyped. A refused conditional write can hand
back the item that refused it (``ReturnValuesOnConditionCheckFailure``) at no extra cost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ParamValidationError

from talkworthy.errors import ConfigurationError, PermanentError, RetryableError, TalkworthyError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = [
    "Action",
    "Table",
    "batch_get",
    "batch_put",
    "call",
    "cancellation_codes",
    "condition_failed",
    "conditional",
    "delete",
    "put",
    "query_all",
    "transact",
    "translate",
    "update",
    "write_or_current",
]

Action = tuple[str, dict[str, Any]]

_RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "TransactionConflictException",
    }
)
_MISCONFIGURED_CODES = frozenset({"ResourceNotFoundException", "AccessDeniedException", "UnrecognizedClientException"})
# reasons in a TransactionCanceledException that a retry can clear
_RETRYABLE_REASONS = frozenset({"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"})
_CONDITION_FAILED = "ConditionalCheckFailedException"
_LOST_RACE = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
_BATCH_ROUNDS = 5


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def cancellation_codes(err: ClientError) -> list[str]:
    """Each action's reason code of a cancelled transaction (``"None"`` for an action that was fine)."""
    return [str(reason.get("Code", "None")) for reason in err.response.get("CancellationReasons") or []]


def condition_failed(err: Exception) -> bool:
    """Whether ``err`` is a refused condition: of one write, or of any action in a transaction."""
    if not isinstance(err, ClientError):
        return False
    return _code(err) == _CONDITION_FAILED or "ConditionalCheckFailed" in cancellation_codes(err)


def translate(err: ClientError | BotoCoreError, what: str = "DynamoDB") -> TalkworthyError:
    """Our error for a botocore error; ``what`` names the store in the message."""
    if isinstance(err, NoCredentialsError | NoRegionError):
        return ConfigurationError(f"{what}: {err}")
    if isinstance(err, ParamValidationError):
        return PermanentError(f"{what}: {err}")
    if isinstance(err, BotoCoreError):  # connection errors, read timeouts
        return RetryableError(f"{what}: {err}")
    code = _code(err)
    status = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    reasons = cancellation_codes(err)
    if code in _RETRYABLE_CODES or status >= 500 or _RETRYABLE_REASONS & set(reasons):
        return RetryableError(f"{what}: {code}")
    if code in _MISCONFIGURED_CODES:
        return ConfigurationError(f"{what}: {code}: {err}")
    return PermanentError(f"{what}: {code}: {err}" + (f" (reasons {reasons})" if reasons else ""))


def call(operation: Any, **kwargs: Any) -> Any:
    """One table call with errors translated into the Talkworthy hierarchy."""
    try:
        return operation(**kwargs)
    except (ClientError, BotoCoreError) as err:
        raise translate(err) from err


def conditional(operation: Any, **kwargs: Any) -> bool:
    """A conditional write: ``False`` (nothing written) when its condition does not hold."""
    try:
        operation(**kwargs)
    except (ClientError, BotoCoreError) as err:
        if condition_failed(err):
            return False
        raise translate(err) from err
    return True


def write_or_current(operation: Any, **kwargs: Any) -> tuple[bool, dict[str, Any] | None]:
    """A conditional write: ``(True, the attributes it returned (ReturnValues), or None)`` when
    written, else ``(False, the item as it is now)`` (``None`` if there is none), returned by the
    refusal itself: no read, no extra capacity."""
    try:
        response = operation(**kwargs, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except BotoCoreError as err:
        raise translate(err) from err
    except ClientError as err:
        if not condition_failed(err):
            raise translate(err) from err
        raw = err.response.get("Item")  # refusals come back in the wire format, untyped by hand
        if not raw:
            return False, None
        from boto3.dynamodb.types import TypeDeserializer

        deserializer = TypeDeserializer()
        return False, {name: deserializer.deserialize(value) for name, value in raw.items()}
    return True, response.get("Attributes") if response else None


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


def batch_put(table: Table, items: Sequence[dict[str, Any]]) -> None:
    """Unconditional puts of up to 25 items (distinct keys) in one ``BatchWriteItem``, or as few as
    DynamoDB lets through; each item is billed as its own ``PutItem`` would be."""
    request: dict[str, Any] = {table.name: [{"PutRequest": {"Item": item}} for item in items]}
    for _ in range(_BATCH_ROUNDS):
        page = call(table.meta.client.batch_write_item, RequestItems=request)
        request = page.get("UnprocessedItems") or {}
        if not request:
            return
    raise RetryableError("DynamoDB BatchWriteItem: items left unprocessed")


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
        codes = cancellation_codes(err)
        if _LOST_RACE & set(codes):
            return codes
        raise translate(err) from err
    except BotoCoreError as err:
        raise translate(err) from err
    return None


def query_all(table: Table, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a query, page after page."""
    while True:
        page = call(table.query, **kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
