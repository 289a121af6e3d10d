"""Run a side effect at most once per key: Powertools idempotency on DynamoDB.

The first call for a key records INPROGRESS, runs the function and stores its result as
COMPLETED; a later call returns the stored result without running it. If the function raises,
the record is removed so the retry (SQS redelivery, a sender's retry) runs it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["AlreadyInProgressError", "DynamoDbOnce", "InMemoryOnce", "Once"]


class AlreadyInProgressError(Exception):
    """Another invocation is running the same key right now."""


class Once(Protocol):
    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        """Return (result, ran): ``ran`` is False when the key had already completed.

        With the Lambda context, an INPROGRESS record expires when the invocation would time out.
        """


class DynamoDbOnce:
    def __init__(self, table_name: str, client: Any, *, expires_after_seconds: int, lambda_context: Any = None) -> None:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

        self._store = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            expires_after_seconds=expires_after_seconds,
            response_hook=lambda response, _record: {**response, "__replayed": True},
        )

    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        if lambda_context is not None:
            self.config.register_lambda_context(lambda_context)
        from aws_lambda_powertools.utilities.idempotency import idempotent_function
        from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

        @idempotent_function(data_keyword_argument="request", persistence_store=self._store, config=self.config)
        def guarded(request: dict[str, str]) -> dict[str, Any]:
            return effect()

        try:
            result = guarded(request={"key": key})
        except IdempotencyAlreadyInProgressError as err:
            raise AlreadyInProgressError(key) from err
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
