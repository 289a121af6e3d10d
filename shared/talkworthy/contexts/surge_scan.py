"""The scheduled surge scan: every finished bucket → the detector → ``Surge.*`` events.

Counts come from the routing journal (``routing/journal.py``), which routing writes for every
mention anyway; the scan runs every minute (``SurgeScanSchedule``) and evaluates the buckets that
are over (``usecases/surges.py``). The surge's open state is written into the read model notify
folds by (``notify/incidents.py``) at the moment it is detected, updated or resolved: in a crisis
notify's queue is the one backed up with the very notifications to fold, and a ``Surge.Detected``
waiting behind them would fold none.

Idempotent per run: a bucket is evaluated once per topic (a conditional write on the last bucket
it evaluated) and the clock moves on conditionally; a retried run finds its buckets done, and its
events' keys are the surge's and the bucket's.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import SurgeDetected, SurgeResolved, SurgeUpdated
from talkworthy.community.surge import SurgeConfig
from talkworthy.scheduled import RunReport, ScheduledRun
from talkworthy.settings import SurgeScanSettings
from talkworthy.usecases.surges import SurgeSettings, evaluate_due

if TYPE_CHECKING:
    from talkworthy.community.counters import SurgeStore
    from talkworthy.notify.incidents import IncidentStore
    from talkworthy.publishing import EventPublisher
    from talkworthy.routing.journal import RoutingJournal

__all__ = ["SurgeScanPorts", "run_surge_scan"]


class SurgeScanPorts:
    def __init__(self, config: SurgeScanSettings) -> None:
        self.config = config

    @cached_property
    def surges(self) -> SurgeStore:
        return c.surge_store(self.config.mesh_table)

    @cached_property
    def journal(self) -> RoutingJournal:
        return c.routing_journal(self.config.mesh_table)

    @cached_property
    def incidents(self) -> IncidentStore:
        return c.incidents(self.config.mesh_table)

    @cached_property
    def publisher(self) -> EventPublisher:
        return c.publisher(self.config.event_bus_name)

    @cached_property
    def settings(self) -> SurgeSettings:
        config = self.config
        detector = SurgeConfig(min_count=config.surge_min_count, quiet_after=config.surge_quiet_buckets)
        return SurgeSettings(
            config.surge_bucket_seconds, config.surge_grace_seconds, config.surge_silence_seconds, detector
        )


def run_surge_scan(ports: SurgeScanPorts, run: ScheduledRun) -> RunReport:
    events = evaluate_due(ports.surges, ports.journal, ports.settings, run.now)
    for surge in events:  # folding starts now, not when notify's backed-up queue reaches the event
        if isinstance(surge, SurgeDetected | SurgeUpdated | SurgeResolved):
            ports.incidents.record(surge)
    ports.publisher.publish(events)
    kinds = [e.DETAIL_TYPE for e in events]
    return RunReport(
        counts={
            "SurgesDetected": kinds.count(SurgeDetected.DETAIL_TYPE),
            "SurgesUpdated": kinds.count(SurgeUpdated.DETAIL_TYPE),
            "SurgesResolved": kinds.count(SurgeResolved.DETAIL_TYPE),
        }
    )
