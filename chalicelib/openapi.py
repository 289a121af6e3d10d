"""The ingress's OpenAPI description, kept in openapi.yaml beside this module and served as JSON."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["OPENAPI_PATH", "openapi_document"]

OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")


@functools.cache
def openapi_document() -> dict[str, Any]:
    import yaml  # only /openapi.json needs it, not every cold start

    document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return document
