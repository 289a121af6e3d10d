"""Signals into a customer's baseline, and people's answers about a customer.

Each use case reads the customer's record, changes it, recomputes the next check and saves it
conditionally on the version read; a lost race re-reads and re-applies (a few times, then the
record is retried by SQS).

Idempotent under redelivery: a signal already in the baseline (same event key) changes nothing
and writes nothing (``Baseline.apply`` says ``duplicate``); an ``Action.Taken`` is applied once
per event key (the record keeps the last keys applied). Signals for a person the context does not
know as a customer (no behaviour seen yet for their e-mail) are logged and dropped: there is no
pattern for them to leave.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from talkworthy.customers.baseline import DAY, Applied, Baseline, Signal, short_key
from talkworthy.customers.deviation import next_check
from talkworthy.customers.record import APPLIED_KEPT, CustomerRecord
from talkworthy.errors import InvalidInputError, RetryableError

if TYPE_CHECKING:
    from talkworthy.catalog import ActionTaken, BehaviorObserved, CaseOpened, MentionEnriched
    from talkworthy.crm.port import CrmPort
    from talkworthy.customers.calibration import Calibration
    from talkworthy.customers.store import BaselineStore
    from talkworthy.identity.port import IdentityGraph

__all__ = [
    "SNOOZE_DAYS",
    "TOLERANCE_STEP",
    "apply_action",
    "customer_of_profile",
    "observe",
    "observe_case",
    "observe_mention",
    "schedule",
    "update_record",
]

log = logging.getLogger(__name__)

SNOOZE_DAYS = 14
TOLERANCE_STEP = 1.5  # "Not at risk" widens the customer's thresholds by this factor (up to 4x)
MAX_TOLERANCE = 4.0
_ATTEMPTS = 5
_BEHAVIOUR = frozenset({"order", "login", "contact", "cancellation", "downgrade"})


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


def schedule(record: CustomerRecord, now: int, calibration: Calibration) -> int | None:
    """The record's next check: the snooze's end; none while its episode was already alerted; else
    the first moment a trigger can fire (:func:`talkworthy.customers.deviation.next_check`)."""
    if record.snoozed_until is not None and record.snoozed_until > now:
        return record.snoozed_until
    if record.alerted_episode is not None and record.alerted_episode == record.episode:
        return None
    return next_check(record.baseline, now, calibration, record.tolerance)


def update_record(
    store: BaselineStore,
    customer_id: str,
    change: Callable[[CustomerRecord], bool],
    *,
    create: Callable[[], CustomerRecord] | None,
    now: int,
    calibration: Calibration,
) -> CustomerRecord | None:
    """Read, change (``False``: nothing to write), schedule, save if unchanged since read; retry lost races."""
    for _ in range(_ATTEMPTS):
        record = store.get(customer_id) or (create() if create else None)
        if record is None:
            return None
        if not change(record):
            return record
        record.next_check = schedule(record, now, calibration)
        if store.save(record):
            return record
    raise RetryableError(f"customer {customer_id}: the record kept changing under this update")


def _apply(
    store: BaselineStore, customer_id: str, signal: Signal, now: int, calibration: Calibration, *, email: str | None
) -> Applied:
    outcome: list[Applied] = []

    def change(record: CustomerRecord) -> bool:
        outcome[:] = [record.baseline.apply(signal)]
        if outcome[0] == "added" and email and record.baseline.email != email:
            store.link_email(email, customer_id)  # before the save: a retry of a lost race links it again
            record.baseline.email = email
        return outcome[0] == "added"

    def create() -> CustomerRecord:  # behaviour starts a baseline; cases and mentions only add to one
        return CustomerRecord(Baseline(customer_id))  # the e-mail is set (and linked) by change()

    starts = signal.kind in _BEHAVIOUR
    update_record(store, customer_id, change, create=create if starts else None, now=now, calibration=calibration)
    result = outcome[0] if outcome else "duplicate"
    if result != "added":
        log.info("signal not applied", extra={"customer_id": customer_id, "kind": signal.kind, "outcome": result})
    return result


def observe(event: BehaviorObserved, store: BaselineStore, now: int, calibration: Calibration) -> Applied:
    """``Behavior.Observed`` → the customer's baseline (created on their first signal)."""
    signal = Signal(_epoch(event.at), short_key(event.meta.event_key), event.kind, event.amount)
    return _apply(store, event.customer_id, signal, now, calibration, email=event.email)


def customer_of_profile(
    profile_id: str, identities: IdentityGraph, store: BaselineStore, asked: str | None = None
) -> str | None:
    """The customer behind an identity-graph profile, through the e-mails the profile is linked to
    (but ``asked``, an e-mail the caller just looked up and found no customer for)."""
    try:
        profile = identities.get_profile(profile_id)
    except InvalidInputError:
        return None
    known = asked.strip().lower() if asked else None
    for email in profile.emails:
        if email == known:
            continue
        customer_id = store.customer_for_email(email)
        if customer_id:
            return customer_id
    return None


def observe_case(
    event: CaseOpened, store: BaselineStore, identities: IdentityGraph, now: int, calibration: Calibration
) -> Applied | None:
    """A case opened for a known customer counts as a support contact."""
    customer_id = customer_of_profile(event.profile_id, identities, store) if event.profile_id else None
    if customer_id is None:
        log.info("case for no known customer", extra={"case": event.case.record_id})
        return None
    note = f"case {event.case.record_id}: {event.subject}"[:160]
    signal = Signal(_epoch(event.meta.occurred_at), short_key(event.meta.event_key), "case", None, note)
    return _apply(store, customer_id, signal, now, calibration, email=None)


def observe_mention(
    event: MentionEnriched, store: BaselineStore, identities: IdentityGraph, now: int, calibration: Calibration
) -> Applied | None:
    """A negative mention by a known customer adds to their sentiment pressure."""
    author_email = event.mention.author.email
    customer_id = store.customer_for_email(author_email) if author_email else None
    customer_id = customer_id or customer_of_profile(event.identity.profile_id, identities, store, author_email)
    if customer_id is None:
        log.info("negative mention by no known customer", extra={"profile_id": event.identity.profile_id})
        return None
    text = " ".join(event.mention.text.split())
    note = f"negative mention on {event.mention.platform}: {text[:100]}"
    signal = Signal(_epoch(event.mention.posted_at), short_key(event.meta.event_key), "negative_mention", None, note)
    return _apply(store, customer_id, signal, now, calibration, email=None)


def apply_action(
    event: ActionTaken, store: BaselineStore, crm: CrmPort, now: int, calibration: Calibration
) -> CustomerRecord:
    """Retention done (complete the CRM task), Not at risk (widen the trip wire), Snooze 14 days."""
    key = short_key(event.meta.event_key)

    def change(record: CustomerRecord) -> bool:
        if key in record.applied_actions:
            return False
        if event.action == "not_at_risk":
            record.tolerance = min(MAX_TOLERANCE, record.tolerance * TOLERANCE_STEP)
        elif event.action == "snooze_14d":
            record.snoozed_until = now + SNOOZE_DAYS * DAY
        elif event.action == "retention_done":
            record.retention_task = None
        else:
            raise InvalidInputError(f"{event.action} is not an action on a customer")
        record.applied_actions = [*record.applied_actions, key][-APPLIED_KEPT:]
        return True

    if event.action == "retention_done":  # complete the task first: a failure leaves the action to retry
        current = store.get(event.target.id)
        if current is not None and current.retention_task and key not in current.applied_actions:
            crm.complete_task(current.retention_task)
    record = update_record(store, event.target.id, change, create=None, now=now, calibration=calibration)
    if record is None:
        raise InvalidInputError(f"no customer {event.target.id}")
    log.info("customer action applied", extra={"customer_id": record.customer_id, "action": event.action})
    return record
