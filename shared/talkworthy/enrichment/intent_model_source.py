"""Where the learned intent model comes from: the packaged weights, or a version published to the mesh table.

``python -m infra.intent train`` publishes a new version without a redeploy: it writes the weights
(gzipped JSON, at most :data:`MAX_WEIGHTS_BYTES`, one item under DynamoDB's 400 KB limit) under
``pk=INTENT_MODEL, sk=VERSION#<v>``, then points ``sk=CURRENT`` at it. :class:`PublishedIntentModels`
reads the small pointer at most every ``max_age_seconds`` and fetches the weights only when the version
changed. No pointer, or anything wrong with it (a missing version, bad weights, a DynamoDB error),
keeps the model in force (the last good one, or the packaged fallback) and logs why, so a bad publish
cannot stop enrich.
"""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from talkworthy.enrichment.intent_model import IntentModel, load_packaged_model
from talkworthy.errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = ["MAX_WEIGHTS_BYTES", "IntentModelSource", "PackagedIntentModel", "PublishedIntentModels", "stored_weights"]

logger = logging.getLogger(__name__)
PK = "INTENT_MODEL"
CURRENT = "CURRENT"
MAX_WEIGHTS_BYTES = 396 * 1024
"""The gzipped weights' share of one 400 KB item (the rest: keys, digest, metrics, timestamp)."""


def stored_weights(document: str) -> bytes:
    """The weights as stored: gzip with no timestamp, so one document always stores the same bytes.
    ValueError when they would not fit one item."""
    weights = gzip.compress(document.encode(), mtime=0)
    if len(weights) > MAX_WEIGHTS_BYTES:
        raise ValueError(f"{len(weights)} bytes gzipped: over one item's {MAX_WEIGHTS_BYTES}; prune more features")
    return weights


class IntentModelSource(Protocol):
    def current(self) -> IntentModel: ...


class PackagedIntentModel:
    def current(self) -> IntentModel:
        return load_packaged_model()


class PublishedIntentModels:
    """The published model version from the mesh table, with the packaged model as fallback.

    ``origin`` says what is in force: ``published``, ``fallback`` (nothing published, or nothing
    good yet) or ``last_good`` (the pointer moved to something unusable, or DynamoDB failed).
    """

    def __init__(
        self,
        table: Table,
        fallback: Callable[[], IntentModel] = load_packaged_model,
        max_age_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._table = table
        self._fallback = fallback
        self._max_age = max_age_seconds
        self._clock = clock
        self._good: IntentModel | None = None
        self._fetched_at: float | None = None
        self.origin = "fallback"
        self.last_error: Exception | None = None

    def current(self) -> IntentModel:
        now = self._clock()
        if self._fetched_at is None or now - self._fetched_at >= self._max_age:
            self._fetched_at = now
            self._refresh()
        return self._good if self._good is not None else self._fallback()

    def _refresh(self) -> None:
        try:
            pointer = self._table.get_item(Key={"pk": PK, "sk": CURRENT}).get("Item")
            if pointer is None:
                self._good, self.origin, self.last_error = None, "fallback", None
                return
            version = str(pointer["version"])
            if self._good is not None and self._good.version == version:
                self.origin, self.last_error = "published", None
                return
            item = self._table.get_item(Key={"pk": PK, "sk": f"VERSION#{version}"}).get("Item")
            if item is None:
                raise ConfigurationError(f"intent model version {version} is published but not stored")
            model = IntentModel.from_json(gzip.decompress(bytes(item["weights"].value)))
            if model.version != version:
                raise ConfigurationError(f"stored weights are version {model.version}, the pointer says {version}")
        except (ClientError, BotoCoreError, ConfigurationError, OSError, KeyError) as err:
            self.origin = "last_good" if self._good is not None else "fallback"
            self.last_error = err
            logger.warning("published intent model not applied, keeping the %s model: %s", self.origin, err)
            return
        self._good, self.origin, self.last_error = model, "published", None

    def publish(self, document: str, metrics: Mapping[str, Any], now: datetime | None = None) -> str:
        """Store a model version and point CURRENT at it; returns the version. Re-publishing is idempotent."""
        model = IntentModel.from_json(document)
        weights = stored_weights(document)
        at = (now or datetime.now(UTC)).isoformat()
        self._table.put_item(
            Item={
                "pk": PK,
                "sk": f"VERSION#{model.version}",
                "weights": weights,
                "digest": model.digest,
                "metrics": _decimal_free(metrics),
                "published_at": at,
            }
        )
        self._table.put_item(Item={"pk": PK, "sk": CURRENT, "version": model.version, "published_at": at})
        return model.version

    def published_version(self) -> str | None:
        item = self._table.get_item(Key={"pk": PK, "sk": CURRENT}).get("Item")
        return str(item["version"]) if item else None


def _decimal_free(value: Any) -> Any:
    """DynamoDB refuses floats: metrics are stored as strings (they are only ever read by people)."""
    if isinstance(value, Mapping):
        return {str(k): _decimal_free(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_decimal_free(v) for v in value]
    if isinstance(value, float):
        return f"{value:.4f}"
    return value
