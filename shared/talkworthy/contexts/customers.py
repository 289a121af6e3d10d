"""The customers context: per-customer baselines, retention after a deviation, people's answers.

``Behavior.Observed``, ``Case.Opened`` (a case for a known customer) and negative
``Mention.Enriched`` update the customer's baseline; ``Deviation.Detected`` (from the scheduled
scan, ``contexts/deviation_scan.py``) starts retention by value; ``Action.Taken`` on a customer
(Retention done / Not at risk / Snooze 14 days) feeds back into their record.
``Feedback.Received`` (a survey answer) joins the profile's history and the satisfaction tally of
its channel and segment, and is emitted as the ``SatisfactionRating`` metric with those
dimensions (``customers/feedback.py``: kept once per event key, so a redelivery counts nothing twice).

Idempotent under redelivery: see ``usecases/baselines.py`` (signals are kept per event key, actions
applied once per key) and ``usecases/retention.py`` (task per deviation key, derived event keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import (
    ActionTaken,
    BehaviorObserved,
    CaseOpened,
    Detail,
    DeviationDetected,
    FeedbackReceived,
    MentionEnriched,
    utc_now,
)
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.customers.calibration import Calibration, calibration
from talkworthy.settings import CustomersSettings
from talkworthy.usecases.acting import act_as
from talkworthy.usecases.baselines import apply_action, observe, observe_case, observe_mention
from talkworthy.usecases.retention import RETENTION_ACTIONS, RetentionConfig, retain

if TYPE_CHECKING:
    from talkworthy.crm.port import CrmPort
    from talkworthy.customers.feedback import FeedbackStore
    from talkworthy.customers.pressure import ContactPressure
    from talkworthy.customers.store import BaselineStore
    from talkworthy.identity.port import IdentityGraph
    from talkworthy.people import Directory, Person
    from talkworthy.routing.source import RulesSource

__all__ = ["HANDLERS", "CustomersPorts"]


class CustomersPorts:
    def __init__(self, config: CustomersSettings) -> None:
        self.config = config

    @property
    def people(self) -> Directory:
        return c.people(self.config.people_parameter).current()  # the override is re-read every minute

    @cached_property
    def store(self) -> BaselineStore:
        return c.baseline_store(self.config.mesh_table)

    @cached_property
    def crm(self) -> CrmPort:
        return c.crm(self.config)

    @cached_property
    def identities(self) -> IdentityGraph:
        return c.identity_graph(self.config.mesh_table)

    @cached_property
    def pressure(self) -> ContactPressure:
        return c.contact_pressure(self.config.mesh_table)

    @cached_property
    def rules(self) -> RulesSource:
        return c.rules_source(self.config.rules_parameter)

    @cached_property
    def retention(self) -> RetentionConfig:
        owners = c.owner_channels(self.config.owner_channels_json)
        return RetentionConfig(default_channel=self.config.retention_channel, owner_channels=owners)

    @cached_property
    def feedback(self) -> FeedbackStore:
        return c.feedback_store(self.config.mesh_table)

    @cached_property
    def calibration(self) -> Calibration:
        return calibration()


def _now() -> int:
    return int(utc_now().timestamp())


def behaviour(event: BehaviorObserved, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    observe(event, ports.store, _now(), ports.calibration)
    return []


def case_opened(event: CaseOpened, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    observe_case(event, ports.store, ports.identities, _now(), ports.calibration)
    return []


def negative_mention(event: MentionEnriched, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    observe_mention(event, ports.store, ports.identities, _now(), ports.calibration)
    return []


def deviation(event: DeviationDetected, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    return retain(
        event,
        crm=ports.crm,
        store=ports.store,
        pressure=ports.pressure,
        policy=ports.rules.current().contact_policy,
        config=ports.retention,
        calibration=ports.calibration,
        now=_now(),
    )


def survey_answer(event: FeedbackReceived, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    if ports.feedback.record(event):
        from aws_lambda_powertools.metrics import MetricUnit, single_metric

        with single_metric(name="SatisfactionRating", unit=MetricUnit.Count, value=event.rating) as metric:
            metric.add_dimension(name="channel", value=event.channel)
            metric.add_dimension(name="segment", value=event.segment or "unknown")
    return []


def customer_action(event: ActionTaken, ports: CustomersPorts, arrival: Arrival) -> Sequence[Detail]:
    """An account owner's answer to a retention message: authorised, applied once, shown in Slack."""

    def perform(_person: Person) -> Sequence[Detail]:
        apply_action(event, ports.store, ports.crm, _now(), ports.calibration)
        return []

    return act_as(event, ports.people, at=utc_now(), producer="talkworthy.customers", perform=perform)


HANDLERS = HandlerMap[CustomersPorts](
    on(BehaviorObserved, behaviour),
    on(CaseOpened, case_opened),
    on(MentionEnriched, negative_mention, where={"sentiment": {"label": ["negative"]}}),
    on(DeviationDetected, deviation),
    on(FeedbackReceived, survey_answer),
    on(ActionTaken, customer_action, where={"action": list(RETENTION_ACTIONS), "target": {"kind": ["profile"]}}),
)
