"""AWS clients, created on first use and once per container (never at import)."""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["aws_client"]


@functools.cache
def aws_client(service: str) -> Any:
    import boto3  # imported here so handler modules import in about the time of boto3 alone
    from botocore.config import Config

    return boto3.session.Session().client(
        service,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10),
    )
