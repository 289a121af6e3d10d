"""Logger, metrics and tracer for a handler, built once per container.

X-Ray: every function has ``Tracing: Active``, so Lambda records each invocation's segment without
any SDK. The X-Ray SDK (Powertools' Tracer) adds subsegments and annotations, and costs about
100 ms of import at every cold start, so it is loaded only when an operator turns it on
(``POWERTOOLS_TRACE_DISABLED=false``, the template's ``XRaySubsegments`` parameter).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools import Logger, Metrics

__all__ = ["Observability", "TracerLike", "tracing_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class TracerLike(Protocol):
    def put_annotation(self, key: str, value: str) -> Any: ...

    def capture_lambda_handler(self, lambda_handler: Any) -> Callable[..., Any]: ...


class _NoTracer:
    """What the handlers ask of a tracer, doing nothing: Lambda's own segment still records the call."""

    def put_annotation(self, key: str, value: str) -> Any:
        return None

    def capture_lambda_handler(self, lambda_handler: Any) -> Callable[..., Any]:
        return lambda_handler


def tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "true").lower() in {"false", "0"}


class Observability:
    def __init__(self, service: str) -> None:
        self.service = service
        self.logger = Logger(service=service)
        self.metrics = Metrics(service=service)
        self.tracer: TracerLike
        if tracing_enabled():
            from aws_lambda_powertools import Tracer

            self.tracer = Tracer(service=service)
        else:
            self.tracer = _NoTracer()

    def wrap(self, handler: F) -> F:
        """Correlation-ready logs, flushed metrics (with the cold-start metric) and the trace."""
        traced = self.tracer.capture_lambda_handler(handler)
        counted = self.metrics.log_metrics(capture_cold_start_metric=True)(traced)
        return self.logger.inject_lambda_context(clear_state=True)(counted)
