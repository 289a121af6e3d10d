"""The scheduled scan: customers due for a check → ``Deviation.Detected`` when they left their own pattern.

Reads only the customers due (the sparse due index, :meth:`BaselineStore.due`). For each: assess
it now; if a trigger fires and this episode (the customer's latest order) was not alerted yet,
stage a ``Deviation.Detected``; set the next check; then publish the staged events and only then
save the records (conditional on the version read). A run that fails between the two publishes
again next time under the same event key (``deviation:<customer>:<episode>``), which retention
handles once; a record that changed since it was read is left to the change, which set its own
next check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from talkworthy.catalog import DeviationDetected, DeviationReason, EventMeta, Expectation
from talkworthy.customers.deviation import Assessment, assess
from talkworthy.usecases.baselines import schedule

if TYPE_CHECKING:
    from talkworthy.customers.calibration import Calibration
    from talkworthy.customers.record import CustomerRecord
    from talkworthy.customers.store import BaselineStore
    from talkworthy.publishing import EventPublisher

__all__ = ["PRODUCER", "ScanResult", "deviation_event", "scan"]

PRODUCER = "talkworthy.deviation"
HOUR = 3600
_BATCH = 50


@dataclass
class ScanResult:
    due: int = 0
    deviations: int = 0
    saved: int = 0
    changed_meanwhile: int = 0


def _expectations(a: Assessment, calibration: Calibration) -> tuple[Expectation, Expectation]:
    s = a.summary
    usual = s.gap_slow if s.gaps else calibration.latency_at(s.count).p50
    recent = a.recent_gap_days if a.recent_gap_days is not None else (a.open_gap_days or 0.0)
    recent = max(recent, a.open_gap_days or 0.0)
    expected = Expectation(
        interval_days=round(usual, 1),
        frequency_per_month=round(30.44 / usual, 2) if usual > 0 else 0.0,
        value=round(s.amount_slow, 2) if s.amounts else None,
    )
    actual = Expectation(
        interval_days=round(recent, 1),
        frequency_per_month=round(30.44 / recent, 2) if recent > 0 else 0.0,
        value=round(s.amount_fast, 2) if s.amounts else None,
    )
    return expected, actual


def deviation_event(
    record: CustomerRecord, a: Assessment, now: int, run_id: str, calibration: Calibration
) -> DeviationDetected:
    expected, actual = _expectations(a, calibration)
    last = a.summary.last_at or now
    return DeviationDetected(
        meta=EventMeta(
            event_key=f"deviation:{record.customer_id}:{record.episode}",
            correlation_id=f"scan:{run_id}"[:200],
            producer=PRODUCER,
            occurred_at=datetime.fromtimestamp(now, UTC),
        ),
        customer_id=record.customer_id,
        tier=a.tier,
        expected=expected,
        actual=actual,
        last_seen_at=datetime.fromtimestamp(last, UTC),
        explanation=" ".join(f.sentence for f in a.findings)[:1000],
        reasons=[
            DeviationReason(code=f.code, expected=f.expected, observed=f.observed, unit=f.unit, sentence=f.sentence)
            for f in a.findings
        ],
        p_alive=None if a.p_alive is None else round(a.p_alive, 3),
        email=record.baseline.email,
    )


def scan(
    store: BaselineStore, publisher: EventPublisher, calibration: Calibration, now: int, run_id: str
) -> ScanResult:
    result = ScanResult()
    staged: list[tuple[CustomerRecord, DeviationDetected | None]] = []
    for record in store.due(now):
        result.due += 1
        event = None
        assessment = assess(record.baseline, now, calibration, record.tolerance)
        if assessment.findings and record.alerted_episode != record.episode:
            event = deviation_event(record, assessment, now, run_id, calibration)
            record.alerted_episode = record.episode
        following = schedule(record, now, calibration)
        record.next_check = None if following is None else max(following, now + HOUR)
        staged.append((record, event))
        if len(staged) >= _BATCH:
            _flush(staged, store, publisher, result)
    _flush(staged, store, publisher, result)
    return result


def _flush(
    staged: list[tuple[CustomerRecord, DeviationDetected | None]],
    store: BaselineStore,
    publisher: EventPublisher,
    result: ScanResult,
) -> None:
    events = [event for _, event in staged if event is not None]
    if events:
        publisher.publish(events)
        result.deviations += len(events)
    for record, _ in staged:
        if store.save(record):
            result.saved += 1
        else:
            result.changed_meanwhile += 1
    staged.clear()
