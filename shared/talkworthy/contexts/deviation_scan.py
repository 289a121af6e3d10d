"""The scheduled deviation scan: customers due for a check → ``Deviation.Detected``.

Idempotent per run: a deviation's event key is the customer and episode (their latest order), so
a retried or overlapping run publishes the same key and retention acts on it once.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.customers.calibration import calibration
from talkworthy.scheduled import RunReport, ScheduledRun
from talkworthy.settings import DeviationScanSettings
from talkworthy.usecases.deviation_scan import scan

if TYPE_CHECKING:
    from talkworthy.customers.store import BaselineStore
    from talkworthy.publishing import EventPublisher

__all__ = ["DeviationScanPorts", "run_scan"]


class DeviationScanPorts:
    def __init__(self, config: DeviationScanSettings) -> None:
        self.config = config

    @cached_property
    def store(self) -> BaselineStore:
        return c.baseline_store(self.config.mesh_table)

    @cached_property
    def publisher(self) -> EventPublisher:
        return c.publisher(self.config.event_bus_name)


def run_scan(ports: DeviationScanPorts, run: ScheduledRun) -> RunReport:
    result = scan(ports.store, ports.publisher, calibration(), int(run.now.timestamp()), run.run_id)
    return RunReport(
        counts={
            "CustomersDue": result.due,
            "DeviationsDetected": result.deviations,
            "CustomersChangedMeanwhile": result.changed_meanwhile,
        }
    )
