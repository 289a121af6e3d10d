"""`talkworthy profile`: one person across the mesh's systems, read-only.

Where each part comes from: the identity graph (profile, links with their evidence, merge
candidates) and the routing journal (their mentions of the last 30 days and what routing
decided) on the mesh table; the built-in CRM's table (open cases, leads), when the stack uses it;
the customers context's record (baseline, what deviates from it now, retention task) and its
retention touches (contact pressure). Surveys are not sent by the mesh yet, so there are none to
show. Nothing is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.cli.target import Target

__all__ = ["Person", "find_profile", "person"]

# Where a bare handle is looked for: the platforms the senders and pollers name.
PLATFORMS = ("twitter", "x", "reddit", "discourse", "intercom", "web", "linkedin", "instagram", "youtube")
JOURNAL_DAYS = 30


@dataclass
class Person:
    profile: Any  # talkworthy.identity.model.Profile
    mentions: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    ideas: list[dict[str, Any]] = field(default_factory=list)
    customer: dict[str, Any] | None = None


def _refs(who: str) -> list[str]:
    from talkworthy.identity.model import normalise_email

    text = who.strip()
    email = normalise_email(text)
    if email:
        return [f"email:{email}"]
    platform, slash, handle = text.partition("/")
    if slash and handle:
        return [f"handle:{platform.lower()}/{handle.lstrip('@').lower()}"]
    return [f"handle:{p}/{text.lstrip('@').lower()}" for p in PLATFORMS]


def find_profile(target: Target, who: str) -> Any | None:
    """The profile behind an e-mail address, ``platform/handle`` or a bare ``@handle``; None if none."""
    from talkworthy.identity import DynamoDbIdentityGraph

    graph = DynamoDbIdentityGraph(target.table("MeshTable"))
    for ref in _refs(who):
        profile_id = graph.profile_for(ref)
        if profile_id:
            return graph.get_profile(profile_id)
    return None


def person(target: Target, profile: Any, now: datetime | None = None) -> Person:
    now = now or datetime.now(UTC)
    found = Person(profile)
    _journal(target, found, now)
    if "CrmTable" in target.resources:
        _crm(target, found)
    _customer(target, found, int(now.timestamp()))
    return found


def _journal(target: Target, found: Person, now: datetime) -> None:
    from talkworthy.routing.journal import DynamoDbRoutingJournal

    journal = DynamoDbRoutingJournal(target.table("MeshTable"))
    for routed in journal.since(now - timedelta(days=JOURNAL_DAYS), now):
        m = routed.mention
        if m.identity.profile_id != found.profile.profile_id:
            continue
        row = {
            "at": m.mention.posted_at.isoformat(),
            "platform": m.mention.platform,
            "text": m.mention.text[:160],
            "intent": m.intent.label,
            "sentiment": f"{m.sentiment.label} {m.sentiment.value:+.2f}",
            "decided": f"{routed.decision.action} ({routed.decision.rule})",
            "suppressed": routed.decision.suppressed,
            "event_key": m.meta.event_key,
        }
        found.mentions.append(row)
        if routed.decision.action == "file_idea":
            found.ideas.append({"at": row["at"], "idea": f"mention:{m.mention.platform}:{m.mention.post_id}"})
    found.mentions.sort(key=lambda row: row["at"])


def _crm(target: Target, found: Person) -> None:
    from talkworthy.crm.dynamodb import DynamoDbCrm

    table = target.table("CrmTable")
    crm = DynamoDbCrm(table)
    profile = found.profile
    seen: set[str] = set()
    for email in profile.emails or [None]:
        for ref in crm.open_cases_for(profile.crm_contact_id, email):
            record = crm.record("case", ref.case_id) or {}
            if ref.case_id not in seen:
                seen.add(ref.case_id)
                found.cases.append(_fields(record, "case_id", "subject", "priority", "status", "created_at"))
    from boto3.dynamodb.conditions import Key

    people = [*profile.emails, *(h.replace("/", ":", 1) for h in profile.handles)]
    for who in people:
        answer = table.query(IndexName="gsi1", KeyConditionExpression=Key("gsi1pk").eq(f"LEADS#{who}"))
        found.leads += [_fields(item, "lead_id", "note", "status", "created_at") for item in answer.get("Items", [])]


def _fields(item: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: str(item[name]) for name in names if name in item}


def _customer(target: Target, found: Person, now: int) -> None:
    from talkworthy.customers.calibration import calibration
    from talkworthy.customers.deviation import assess
    from talkworthy.customers.pressure import DynamoDbContactPressure
    from talkworthy.customers.store import DynamoDbBaselineStore

    table = target.table("MeshTable")
    store = DynamoDbBaselineStore(table)
    customer_id = next((c for c in map(store.customer_for_email, found.profile.emails) if c), None)
    record = store.get(customer_id) if customer_id else None
    if record is None:
        return
    summary = record.baseline.summary()
    assessment = assess(record.baseline, now, calibration(), record.tolerance)
    found.customer = {
        "customer_id": record.customer_id,
        "orders": summary.count,
        "spent": round(summary.total, 2),
        "last_order": _day(summary.last_at),
        "usual_gap_days": round(summary.gap_slow, 1) if summary.gaps else None,
        "tier": assessment.tier,
        "deviations": [finding.sentence for finding in assessment.findings],
        "alerted_for_order": record.alerted_episode,
        "retention_task": record.retention_task,
        "snoozed_until": _day(record.snoozed_until),
        "tolerance": record.tolerance,
        "retention_touches_30d": len(DynamoDbContactPressure(table).recent(record.customer_id, now, 30)),
    }


def _day(at: int | None) -> str | None:
    return time.strftime("%Y-%m-%d", time.gmtime(at)) if at else None
