"""AWS clients and tables, created on first use and once per container (never at import)."""

from __future__ import annotations

import functools
import threading
from typing import Any

__all__ = ["aws_client", "dynamodb_table"]

_SESSION_LOCK = threading.Lock()  # a boto3 Session is not thread-safe (its clients are): build one at a time


@functools.cache
def _session_and_config() -> tuple[Any, Any]:
    import boto3  # imported here so handler modules import in about the time of boto3 alone
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
    return boto3.session.Session(), config


@functools.cache
def aws_client(service: str) -> Any:
    session, config = _session_and_config()
    with _SESSION_LOCK:
        return session.client(service, config=config)


@functools.cache
def dynamodb_table(name: str) -> Any:
    """A DynamoDB Table resource with the same retry and timeout settings as every client."""
    session, config = _session_and_config()
    with _SESSION_LOCK:
        return session.resource("dynamodb", config=config).Table(name)
