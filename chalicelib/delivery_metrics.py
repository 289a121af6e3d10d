"""What the ingress counts per delivery, as CloudWatch EMF metrics (Powertools).

Three metric sets per answer, each flushed on its own so each has exactly its dimensions:

- ``Deliveries`` {service, source, outcome}: every answer (``accepted:202``, ``rejected:401``, ...);
- ``Rejections`` {service, source, reason}: a 4xx the sender must fix, ``reason`` a short code
  (the JSON answer carries the words); alarmed per source and reason;
- ``Accepted`` {service, source}: a delivery taken (new or a recognised duplicate); a plain metric,
  so the per-source silence alarms can look back further than Metrics Insights' three hours.
"""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

__all__ = ["REJECTION_REASONS", "DeliveryMetrics"]

REJECTION_REASONS = {
    400: "malformed",
    401: "signature",
    404: "unknown_source",
    413: "too_large",
    415: "content_type",
    422: "unusable",
}
"""The ingress's 4xx statuses and the reason code each is counted under (``Ingress._handle``)."""


class DeliveryMetrics:
    """``count(source, outcome)``: the ingress's ``count`` callable; outcome is ``<status word>:<code>``."""

    def __init__(self, namespace: str) -> None:
        self._metrics = Metrics(namespace=namespace, service="ingress")

    def __call__(self, source: str, outcome: str) -> None:
        word, _, code = outcome.partition(":")
        self._flush("Deliveries", {"source": source, "outcome": outcome})
        if word == "rejected":
            reason = REJECTION_REASONS.get(int(code), f"http_{code}") if code.isdigit() else "other"
            self._flush("Rejections", {"source": source, "reason": reason})
        elif word in {"accepted", "duplicate"}:
            self._flush("Accepted", {"source": source})

    def _flush(self, name: str, dimensions: dict[str, str]) -> None:
        for key, value in dimensions.items():
            self._metrics.add_dimension(name=key, value=value)
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
        self._metrics.flush_metrics()
        self._metrics.clear_metrics()  # also clears dimensions, which a disabled flush leaves behind
