"""Run a side effect at most once per key: Powertools idempotency on DynamoDB.

The first call for a key records INPROGRESS, runs the function and stores its result as
COMPLETED; a later call returns the stored result without running it. If the function raises,
the record is removed so the retry (SQS redelivery, a sender's retry) runs it again.

The store itself failing (a write or the removal after a failure) is a :class:`RetryableError`:
the caller's retry comes back once the store answers. An INPROGRESS record left behind (the
completion could not be written, or the invocation died) expires when the invocation would have
timed out, so a retry takes the key over: the effect then runs at least once, never zero times.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from talkworthy.errors import RetryableError

__all__ = [
    "IN_PROGRESS_RETRY_SECONDS",
    "AlreadyInProgressError",
    "DynamoDbOnce",
    "InMemoryOnce",
    "InvocationDeadline",
    "Once",
]


class InvocationDeadline:
    """What Powertools reads from a Lambda context to expire an INPROGRESS record, for callers
    without one (the ingress runs under Chalice): the invocation ends within ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self._seconds * 1000)


IN_PROGRESS_RETRY_SECONDS = 5.0


class AlreadyInProgressError(RetryableError):
    """Another invocation is running the same key right now (a copy of the same event): come back
    in a few seconds, when it will have finished and its result is there to return."""

    def __init__(self, key: str) -> None:
        super().__init__(f"{key} is being handled by another invocation", retry_after=IN_PROGRESS_RETRY_SECONDS)


class Once(Protocol):
    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        """Return (result, ran): ``ran`` is False when the key had already completed.

        With the Lambda context, an INPROGRESS record expires when the invocation would time out.
        """


class DynamoDbOnce:
    """Powertools idempotency with one configuration per call: the INPROGRESS record's expiry comes
    from the Lambda context of the call that writes it. (Registering each call's context on one
    shared configuration let concurrent batches in one process, as the local runtime runs them,
    expire each other's records: a record written with another invocation's nearly spent deadline
    could be taken over at once by a redelivered copy, and the effect ran twice.)"""

    def __init__(self, table_name: str, client: Any, *, expires_after_seconds: int) -> None:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        self._store = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)
        self._expires_after_seconds = expires_after_seconds

    def _config(self, lambda_context: Any = None) -> Any:
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        return IdempotencyConfig(
            event_key_jmespath="key",
            expires_after_seconds=self._expires_after_seconds,
            response_hook=lambda response, _record: {**response, "__replayed": True},
            lambda_context=lambda_context,
        )

    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        config = self._config(lambda_context)
        from aws_lambda_powertools.utilities.idempotency import idempotent_function
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
        )
        from botocore.exceptions import BotoCoreError, ClientError

        from talkworthy.dynamo import translate

        @idempotent_function(data_keyword_argument="request", persistence_store=self._store, config=config)
        def guarded(request: dict[str, str]) -> dict[str, Any]:
            return effect()

        try:
            result = guarded(request={"key": key})
        except IdempotencyAlreadyInProgressError as err:
            raise AlreadyInProgressError(key) from err
        except IdempotencyPersistenceLayerError as err:  # Powertools wraps the store's own error
            cause = err.args[1] if len(err.args) > 1 else err.__cause__
            if isinstance(cause, ClientError | BotoCoreError):
                raise translate(cause, "idempotency store") from err  # unreachable or 5xx: retryable
            raise RetryableError(f"idempotency store unavailable: {err}") from err
        replayed = bool(result.pop("__replayed", False))
        return result, not replayed


class InMemoryOnce:
    """A fake with the same contract, for unit tests."""

    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}

    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        if key in self.results:
            return dict(self.results[key]), False
        result = effect()
        self.results[key] = dict(result)
        return result, True
