"""Behaviour → baseline → scan → retention by value → people's answers, with the in-memory ports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talkworthy.catalog import ActionTaken, Actor, Author, BehaviorObserved, DeviationDetected, EventMeta, Target
from talkworthy.crm import InMemoryCrm
from talkworthy.customers.baseline import DAY
from talkworthy.customers.calibration import calibration
from talkworthy.customers.pressure import InMemoryContactPressure
from talkworthy.customers.store import InMemoryBaselineStore
from talkworthy.errors import InvalidInputError
from talkworthy.identity.graph_memory import InMemoryIdentityGraph
from talkworthy.publishing import InMemoryPublisher
from talkworthy.routing import load_default_rules
from talkworthy.usecases.baselines import apply_action, observe, observe_mention
from talkworthy.usecases.deviation_scan import scan
from talkworthy.usecases.retention import RetentionConfig, retain
from tests.unit.usecases.mention_builders import enriched

START = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())
CAL = calibration()
POLICY = load_default_rules().contact_policy
CONFIG = RetentionConfig(default_channel="C0RETENTION", owner_channels={"am-globex": "C0AMGLOBEX"})


def _order(customer: str, i: int, at: int, amount: float, email: str | None = None) -> BehaviorObserved:
    return BehaviorObserved(
        meta=EventMeta(
            event_key=f"shop:{customer}:{i}",
            correlation_id=f"req-{i}",
            producer="talkworthy.ingress.standard",
            occurred_at=datetime.fromtimestamp(at, UTC),
        ),
        customer_id=customer,
        email=email,
        kind="order",
        amount=amount,
        at=datetime.fromtimestamp(at, UTC),
        source_system="shop",
    )


def _history(store: InMemoryBaselineStore, customer: str, amount: float, email: str | None, orders: int = 12) -> int:
    at = START
    for i in range(orders):
        observe(_order(customer, i, at, amount, email), store, at, CAL)
        at += 12 * DAY
    return at - 12 * DAY  # the last order


def _scan(store: InMemoryBaselineStore, now: int) -> list[DeviationDetected]:
    publisher = InMemoryPublisher()
    scan(store, publisher, CAL, now, "run-1")
    return [e for e in publisher.published if isinstance(e, DeviationDetected)]


def _retain(
    event: DeviationDetected, crm: InMemoryCrm, store: InMemoryBaselineStore, pressure: InMemoryContactPressure
) -> list:  # type: ignore[type-arg]
    now = int(event.meta.occurred_at.timestamp())
    return retain(
        event, crm=crm, store=store, pressure=pressure, policy=POLICY, config=CONFIG, calibration=CAL, now=now
    )


def _action(action: str, customer: str, key: str) -> ActionTaken:
    return ActionTaken(
        meta=EventMeta(
            event_key=key, correlation_id="c", producer="talkworthy.ingress.slack", occurred_at=datetime.now(UTC)
        ),
        action=action,  # type: ignore[arg-type]
        actor=Actor(id="U1", via="slack"),
        target=Target(kind="profile", id=customer, system="customers"),
    )


def test_a_steady_customer_is_not_due_until_their_trip_wire_and_then_deviates_once() -> None:
    store = InMemoryBaselineStore()
    last = _history(store, "c-1", 1200.0, "dana@globex.example")
    record = store.get("c-1")
    assert record is not None
    assert record.next_check is not None
    assert last + 12 * DAY < record.next_check < last + 40 * DAY
    assert _scan(store, record.next_check - 3600) == []  # not due yet: not even read
    (event,) = _scan(store, record.next_check + 3600)
    assert event.tier in {"vip", "high"}
    assert event.reasons[0].code == "overdue"
    assert event.expected.interval_days == pytest.approx(12.0, abs=0.5)
    assert event.email == "dana@globex.example"
    assert "usually orders every 12 days" in event.explanation
    assert _scan(store, record.next_check + 30 * DAY) == []  # the same episode is not alerted twice


def test_redelivered_behaviour_writes_nothing() -> None:
    store = InMemoryBaselineStore()
    _history(store, "c-1", 50.0, None, orders=3)
    before = store.items["c-1"]
    assert observe(_order("c-1", 1, START + 12 * DAY, 50.0), store, START + 40 * DAY, CAL) == "duplicate"
    assert store.items["c-1"] == before


def test_high_value_deviation_asks_the_owner_and_opens_a_task_once() -> None:
    store, crm, pressure = InMemoryBaselineStore(), InMemoryCrm(), InMemoryContactPressure()
    crm.seed_contact("crm-1", email="dana@globex.example", name="Dana Whitfield", tier="Enterprise", owner="am-globex")
    last = _history(store, "c-1", 1200.0, "dana@globex.example")
    (event,) = _scan(store, last + 60 * DAY)

    (message,) = _retain(event, crm, store, pressure)
    assert message.audience == "C0AMGLOBEX"
    assert message.actions == ["retention_done", "not_at_risk", "snooze_14d"]
    assert message.target.kind == "profile"
    assert "Dana Whitfield" in message.headline
    assert "Suggested next step" in message.body
    assert message.facts["account owner"] == "am-globex"
    (task_id,) = crm.tasks
    assert _retain(event, crm, store, pressure) == [message]  # redelivered: same message key, no second task
    assert list(crm.tasks) == [task_id]

    apply_action(_action("retention_done", "c-1", "slack:a1"), store, crm, last + 61 * DAY, CAL)
    apply_action(_action("retention_done", "c-1", "slack:a1"), store, crm, last + 61 * DAY, CAL)
    assert crm.done_tasks == {task_id}
    assert [m for m, _ in crm.calls].count("complete_task") == 1


def test_a_second_deviation_within_30_days_is_held_back_by_contact_pressure() -> None:
    store, crm, pressure = InMemoryBaselineStore(), InMemoryCrm(), InMemoryContactPressure()
    last = _history(store, "c-1", 1200.0, None)
    (event,) = _scan(store, last + 60 * DAY)
    assert _retain(event, crm, store, pressure)
    other = event.model_copy(update={"meta": event.meta.model_copy(update={"event_key": "deviation:c-1:other"})})
    assert _retain(other, crm, store, pressure) == []
    assert len(crm.tasks) == 1


def test_low_value_deviation_gets_a_nurture_flag_only_unless_the_policy_holds_it_back() -> None:
    store, crm, pressure = InMemoryBaselineStore(), InMemoryCrm(), InMemoryContactPressure()
    last = _history(store, "c-2", 15.0, "sam@hooli.example")
    (event,) = _scan(store, last + 60 * DAY)
    assert event.tier == "standard"
    assert _retain(event, crm, store, pressure) == []
    assert crm.nurture["c-2"].reason.startswith("overdue")
    assert crm.tasks == {}

    held = InMemoryCrm()
    held.seed_contact("crm-2", email="sam@hooli.example")
    held.open_case(_case_for("sam@hooli.example"))
    assert _retain(event, held, store, InMemoryContactPressure()) == []
    assert held.nurture == {}


def _case_for(email: str):  # type: ignore[no-untyped-def]
    from talkworthy.crm import CaseRequest

    return CaseRequest(
        idempotency_key="k", subject="Export fails", description="", requester_email=email, origin_channel="email"
    )


def test_not_at_risk_widens_the_trip_wire_and_snooze_postpones_the_check() -> None:
    store, crm = InMemoryBaselineStore(), InMemoryCrm()
    last = _history(store, "c-1", 100.0, None)
    record = store.get("c-1")
    assert record is not None
    before = record.next_check
    assert before is not None
    widened = apply_action(_action("not_at_risk", "c-1", "slack:n1"), store, crm, last + DAY, CAL)
    assert widened.tolerance == 1.5
    assert widened.next_check is not None
    assert widened.next_check > before
    snoozed = apply_action(_action("snooze_14d", "c-1", "slack:s1"), store, crm, last + 2 * DAY, CAL)
    assert snoozed.next_check == last + 16 * DAY
    with pytest.raises(InvalidInputError):
        apply_action(_action("snooze_14d", "c-404", "slack:s2"), store, crm, last, CAL)


def test_a_negative_mention_by_a_known_customer_counts_through_their_profile() -> None:
    store, identities = InMemoryBaselineStore(), InMemoryIdentityGraph()
    last = _history(store, "c-1", 1200.0, "dana@globex.example")
    resolution = identities.resolve("twitter", Author(handle="dana_w", email="dana@globex.example"))
    mention = enriched(
        intent="complaint", tier="vip", sentiment=-0.8, email=None, profile_id=resolution.identity.profile_id
    )
    mention = mention.model_copy(
        update={
            "mention": mention.mention.model_copy(update={"posted_at": datetime.fromtimestamp(last + 5 * DAY, UTC)})
        }
    )
    assert observe_mention(mention, store, identities, last + 5 * DAY, CAL) == "added"
    assert observe_mention(mention, store, identities, last + 5 * DAY, CAL) == "duplicate"
    record = store.get("c-1")
    assert record is not None
    assert record.baseline.touches[0].note.startswith("negative mention on twitter")
    stranger = enriched(intent="complaint", tier="vip", sentiment=-0.8, email=None, profile_id="prf_unknown", key="k2")
    assert observe_mention(stranger, store, identities, last, CAL) is None


def test_a_negative_mention_asks_for_its_authors_email_once() -> None:
    class Asked(InMemoryBaselineStore):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[str] = []

        def customer_for_email(self, email: str) -> str | None:
            self.asked.append(email)
            return super().customer_for_email(email)

    store, identities = Asked(), InMemoryIdentityGraph()
    last = _history(store, "c-1", 1200.0, "dana@globex.example")
    resolution = identities.resolve("twitter", Author(handle="dana_w", email="dana.w@home.example"))
    identities.resolve("twitter", Author(handle="dana_w", email="Dana@Globex.example"))  # a second e-mail
    mention = enriched(
        intent="complaint",
        tier="vip",
        sentiment=-0.8,
        email="DANA.W@home.example",
        profile_id=resolution.identity.profile_id,
    )
    mention = mention.model_copy(
        update={
            "mention": mention.mention.model_copy(update={"posted_at": datetime.fromtimestamp(last + 5 * DAY, UTC)})
        }
    )
    store.asked.clear()
    assert observe_mention(mention, store, identities, last + 5 * DAY, CAL) == "added"  # through the other e-mail
    assert store.asked == ["DANA.W@home.example", "dana@globex.example"]  # the author's not asked twice
