"""Retention by value: what happens after ``Deviation.Detected``.

- High value (the baseline's tier ``vip``/``high``, or a CRM tier that says so): a retention task
  in the CRM for the account owner, and an ``Action.Requested`` to the owner's Slack channel
  (who, what changed, the evidence, the last conversations and cases, a suggested next step) with
  Retention done / Not at risk / Snooze 14 days.
- Everyone else: a nurture flag in the CRM and a log line, unless the contact policy holds
  outreach back (an open case, a support contact within the quiet period, a negative mention).
- Either way at most one retention touch per customer per 30 days (:class:`ContactPressure`).

Idempotent under redelivery: the CRM task is created once per deviation event key, the nurture
flag is an overwrite, the touch is recorded under the event's key (a redelivery finds its own
touch and is not held back by it), and the ``Action.Requested`` key is derived from the
deviation's, so notify sends it once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from talkworthy.catalog import ActionRequested, DeviationDetected, Target
from talkworthy.crm.port import Contact, NurtureRequest, TaskRequest
from talkworthy.customers.baseline import DAY
from talkworthy.customers.record import CustomerRecord
from talkworthy.usecases.baselines import update_record

if TYPE_CHECKING:
    from talkworthy.crm.port import CrmPort
    from talkworthy.customers.calibration import Calibration
    from talkworthy.customers.pressure import ContactPressure
    from talkworthy.customers.store import BaselineStore
    from talkworthy.routing.policy import ContactPolicy

__all__ = ["HIGH_TIERS", "RETENTION_ACTIONS", "RetentionConfig", "retain"]

log = logging.getLogger(__name__)

PRODUCER = "talkworthy.customers"
HIGH_TIERS = frozenset({"vip", "high"})
CRM_HIGH_TIERS = frozenset({"vip", "high", "enterprise", "premium", "key account"})
RETENTION_ACTIONS = ("retention_done", "not_at_risk", "snooze_14d")
_NEXT_STEP = {
    "cancellation": "Call before the cancellation takes effect and offer a way to stay.",
    "downgrade": "Ask what made the plan too much, and whether a different set-up would fit.",
    "negative_sentiment": "Answer the negative post personally and offer a call.",
    "contact_surge": "Read the recent support contacts with the care team, then reach out.",
    "spend_drop": "Review their recent orders and ask whether their needs have changed.",
    "frequency_drop": "Call to check in: ask what changed since they started ordering less often.",
    "overdue": "Call to check in: ask how things are going since their last order.",
    "no_second_order": "Follow up on their first order and ask how it went.",
}


@dataclass(frozen=True)
class RetentionConfig:
    default_channel: str
    owner_channels: Mapping[str, str] = field(default_factory=dict)  # account owner -> Slack channel
    touches_per_window: int = 1
    window_days: int = 30


def _is_high(event: DeviationDetected, contact: Contact | None) -> bool:
    crm_tier = (contact.tier or "").strip().lower() if contact else ""
    return event.tier in HIGH_TIERS or crm_tier in CRM_HIGH_TIERS


def _held_back(policy: ContactPolicy, open_cases: int, record: CustomerRecord | None, now: int) -> list[str]:
    """The contact policy's block conditions, applied to nurture outreach."""
    reasons = []
    if policy.block_on_open_case and open_cases:
        reasons.append(f"open_case:{open_cases}")
    quiet = policy.quiet_days_after_support * DAY
    touches = record.baseline.touches if record else []
    if quiet and any(t.kind in {"contact", "case"} and 0 <= now - t.at < quiet for t in touches):
        reasons.append(f"support_contact_within:{policy.quiet_days_after_support}d")
    recent = max(quiet, 14 * DAY)
    if policy.block_on_negative_sentiment and any(
        t.kind == "negative_mention" and 0 <= now - t.at < recent for t in touches
    ):
        reasons.append("negative_sentiment")
    return reasons


def _message(
    event: DeviationDetected,
    contact: Contact | None,
    record: CustomerRecord | None,
    open_cases: list[str],
    audience: str,
    held: list[str],
) -> ActionRequested:
    who = contact.name if contact and contact.name else event.email or event.customer_id
    codes = [r.code for r in event.reasons]
    step = next((_NEXT_STEP[code] for code in _NEXT_STEP if code in codes), _NEXT_STEP["overdue"])
    if open_cases:
        step = f"Get the open case {open_cases[0]} resolved first. Then: {step[0].lower()}{step[1:]}"
    lines = [f"*What changed:* {event.explanation}", "*Evidence:*"]
    lines += [f"• {r.sentence} (expected {r.expected:g}, observed {r.observed:g} {r.unit})" for r in event.reasons]
    touches = list(reversed(record.baseline.touches[-5:])) if record else []
    if touches or open_cases:
        lines.append("*Last conversations and cases:*")
        lines += [f"• {t.note or t.kind}" for t in touches]
        lines += [f"• open case {case_id}" for case_id in open_cases if all(case_id not in t.note for t in touches)]
    lines.append(f"*Suggested next step:* {step}")
    facts = {"customer": event.customer_id, "tier": event.tier}
    if contact and contact.owner:
        facts["account owner"] = contact.owner
    if event.p_alive is not None:
        facts["P(alive)"] = f"{event.p_alive:.0%}"
    if held:
        facts["outreach held back"] = ", ".join(held)
    return ActionRequested(
        meta=event.meta.derive(PRODUCER, "retention", occurred_at=event.meta.occurred_at),
        channel="slack",
        audience=audience,
        headline=f"{who} is leaving their usual pattern"[:300],
        body="\n".join(lines)[:3000],
        facts=facts,
        target=Target(kind="profile", id=event.customer_id, system="customers"),
        actions=list(RETENTION_ACTIONS),
    )


def retain(
    event: DeviationDetected,
    *,
    crm: CrmPort,
    store: BaselineStore,
    pressure: ContactPressure,
    policy: ContactPolicy,
    config: RetentionConfig,
    calibration: Calibration,
    now: int,
) -> list[ActionRequested]:
    key = event.meta.event_key
    at = int(event.meta.occurred_at.timestamp())
    others = [k for k in pressure.recent(event.customer_id, at, config.window_days) if k != key]
    if len(others) >= config.touches_per_window:
        log.info("retention held back: contact pressure", extra={"customer_id": event.customer_id, "recent": others})
        return []
    contact = crm.find_contact_by_email(event.email) if event.email else None
    record = store.get(event.customer_id)
    cases = [ref.case_id for ref in crm.open_cases_for(contact.contact_id if contact else None, event.email)]
    held = _held_back(policy, len(cases), record, at)
    if not _is_high(event, contact):
        if held:
            log.info("nurture held back by the contact policy", extra={"customer_id": event.customer_id, "why": held})
            return []
        reason = ", ".join(r.code for r in event.reasons)
        crm.flag_nurture(
            NurtureRequest(
                idempotency_key=key, customer_id=event.customer_id, email=event.email, contact=contact, reason=reason
            )
        )
        pressure.record(event.customer_id, key, at)
        log.info("customer flagged for nurture", extra={"customer_id": event.customer_id, "reasons": reason})
        return []
    owner = contact.owner if contact else None
    task = crm.create_task(
        TaskRequest(
            idempotency_key=key,
            subject=f"Retention: {contact.name if contact and contact.name else event.customer_id}",
            description=event.explanation,
            customer_id=event.customer_id,
            contact=contact,
            owner=owner,
        )
    )

    def remember(found: CustomerRecord) -> bool:
        if found.retention_task == task.task_id:
            return False
        found.retention_task = task.task_id
        return True

    update_record(store, event.customer_id, remember, create=None, now=now, calibration=calibration)
    pressure.record(event.customer_id, key, at)
    audience = config.owner_channels.get(owner or "", config.default_channel)
    return [_message(event, contact, record, cases, audience, held)]
