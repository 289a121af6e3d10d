"""Mention.Enriched → the right action: a case, a lead, an idea, a notification, or nothing.

The routing rules decide; the contact policy then vetoes sales outreach to someone who has an
open case, a recent support contact or negative sentiment, and says why. Creating a case or a
lead is idempotent on the mention's event key, so a redelivered event never opens a second case;
with the routing journal, a redelivered event also follows the first decision (the journal keeps
the first routing), so what it asks people matches what the first attempt did.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from talkworthy.actions import OFFERED
from talkworthy.catalog import (
    ActionRequested,
    CaseOpened,
    Detail,
    DigestHint,
    IdeaSubmitted,
    LeadFlagged,
    MentionEnriched,
    Person,
    RecordRef,
    Target,
)
from talkworthy.catalog.actions import ActionName
from talkworthy.community.topics import topic_of
from talkworthy.crm.port import CaseRequest, Contact, CrmPort, LeadRequest
from talkworthy.identity import IdentityGraph
from talkworthy.loop.origin import case_origin
from talkworthy.routing import ContactContext, Decision, RulesDocument
from talkworthy.routing.journal import RoutedMention, RoutingJournal
from talkworthy.subjects import Subject, SubjectStore

__all__ = ["PRODUCER", "route_mention"]

PRODUCER = "talkworthy.route"
_PRIORITY_WORD = {"urgent": "Urgent", "high": "High-priority", "normal": "New", "low": "Low-priority"}
FOLD_MIN_SLA = timedelta(hours=4)
"""A notification with a shorter SLA is never folded into a surge digest: someone must see it now."""


def route_mention(
    event: MentionEnriched,
    *,
    rules: RulesDocument,
    crm: CrmPort,
    identities: IdentityGraph,
    subjects: SubjectStore,
    now: datetime,
    journal: RoutingJournal | None = None,
) -> tuple[Decision, list[Detail]]:
    mention = event.mention
    decision = rules.decide(event)
    context = None
    if decision.is_sales:  # the contact policy only ever vetoes sales outreach; only then is it worth a read
        profile = identities.get_profile(event.identity.profile_id)
        open_cases = crm.open_cases_for(event.identity.crm_contact_id, mention.author.email)
        context = ContactContext(open_cases=len(open_cases), last_support_at=profile.last_support_at, now=now)
        decision = rules.contact_policy.apply(decision, context)
    if journal is not None:  # before any effect: a backtest sees what was decided even if an effect failed
        # a redelivery gets the first routing back and acts on it, as of then: the same case, lead and message
        first = journal.put(RoutedMention(routed_at=now, mention=event, decision=decision, contact=context))
        decision, now = first.decision, first.routed_at
    out: list[Detail] = []
    target = Target(kind="mention", id=event.meta.event_key)
    actions: list[ActionName] = list(OFFERED["mention"])
    who = mention.author.name or f"@{mention.author.handle}"
    if decision.action == "open_case":
        case = crm.open_case(
            CaseRequest(
                idempotency_key=event.meta.event_key,
                subject=f"{event.intent.label.replace('_', ' ').capitalize()} from {who} on {mention.platform}",
                description=mention.text,
                contact=_contact_of(event),
                requester_email=mention.author.email,
                priority=decision.priority or "normal",
                origin_channel=mention.platform,
                origin_url=str(mention.url) if mention.url else None,
                tags=[f"intent:{event.intent.label}", f"segment:{event.segment.tier}"],
            )
        )
        # guarded by the event key: a redelivery never counts the support contact twice
        identities.record_interaction(event.identity.profile_id, "support_contact", now, event_key=event.meta.event_key)
        out.append(
            CaseOpened(
                meta=event.meta.derive(PRODUCER, "case"),
                case=RecordRef(system=case.system, record_id=case.case_id, url=case.url),
                subject=f"{who}: {mention.text[:120]}",
                priority=decision.priority or "normal",
                rule=decision.rule,
                profile_id=event.identity.profile_id,
                sla_due=now + decision.sla if decision.sla else None,
                origin_channel=mention.platform,
                origin_url=str(mention.url) if mention.url else None,
                origin=case_origin(mention, event.segment.tier),
            )
        )
        target = Target(kind="case", id=case.case_id, system=case.system)
        actions = list(OFFERED["case"])
    elif decision.action == "flag_lead":
        lead = crm.flag_lead(
            LeadRequest(
                idempotency_key=event.meta.event_key,
                email=mention.author.email,
                name=mention.author.name or mention.author.handle,
                handle=mention.author.handle,
                platform=mention.platform,
                note=mention.text,
                source_url=str(mention.url) if mention.url else None,
            )
        )
        out.append(
            LeadFlagged(
                meta=event.meta.derive(PRODUCER, "lead"),
                lead=RecordRef(system=lead.system, record_id=lead.lead_id, url=lead.url),
                rule=decision.rule,
                profile_id=event.identity.profile_id,
                origin_channel=mention.platform,
                origin_url=str(mention.url) if mention.url else None,
            )
        )
        target = Target(kind="lead", id=lead.lead_id, system=lead.system)
        actions = list(OFFERED["lead"])
    elif decision.action == "file_idea":
        out.append(
            IdeaSubmitted(
                meta=event.meta.derive(PRODUCER, "idea"),
                idea_system="mention",
                idea_id=f"{mention.platform}:{mention.post_id}",
                title=(mention.title or mention.text.split("\n", 1)[0])[:200],
                text=mention.text,
                submitter=Person(name=mention.author.name, email=mention.author.email, handle=mention.author.handle),
                url=str(mention.url) if mention.url else None,
            )
        )
        target = Target(kind="idea", id=f"mention:{mention.platform}:{mention.post_id}")  # the ideas context's ref
        actions = list(OFFERED["idea"])
    elif decision.action == "triage":
        actions = ["claim", "reclassify", "dismiss"]  # a person picks the intent from the menu
    elif decision.action == "ignore":
        return decision, out
    audiences = [
        (channel, to) for channel, to in (("slack", decision.notify_channel), ("email", decision.notify_email)) if to
    ]
    if audiences:  # what the people asked will act on: the text, the author, the prediction, the profile
        subjects.put(_subject(event, target))
    for channel, audience in audiences:
        if audience:
            out.append(_request(event, decision, channel, audience, target, actions, who))
    return decision, out


def _triage_fact(event: MentionEnriched) -> str:
    """``low confidence: complaint 46% or praise 31%`` - the top two intents a person chooses between."""
    intent = event.intent
    reason = (intent.triage_reason or "").replace("_", " ")
    if intent.language:
        reason = f"{reason} ({intent.language})"
    top = f"{intent.label} {intent.provenance.confidence:.0%}"
    if intent.runner_up is not None and intent.runner_up_confidence is not None:
        top += f" or {intent.runner_up} {intent.runner_up_confidence:.0%}"
    return f"{reason}: {top}"


def _subject(event: MentionEnriched, target: Target) -> Subject:
    mention, intent = event.mention, event.intent
    return Subject(
        target=target,
        text=mention.text[:4000],
        platform=mention.platform,
        author_name=mention.author.name,
        author_handle=mention.author.handle,
        author_email=mention.author.email,
        url=str(mention.url) if mention.url else None,
        intent=intent.label,
        intent_model=intent.provenance.model,
        intent_version=intent.provenance.version,
        sentiment=event.sentiment.value,
        sentiment_label=event.sentiment.label,
        profile_id=event.identity.profile_id,
        mention_key=event.meta.event_key,
    )


def _contact_of(event: MentionEnriched) -> Contact | None:
    """The CRM contact enrich already linked (identity resolution), without asking the CRM again."""
    identity, author = event.identity, event.mention.author
    if not identity.crm_system or not identity.crm_contact_id:
        return None
    return Contact(system=identity.crm_system, contact_id=identity.crm_contact_id, email=author.email, name=author.name)


def _request(
    event: MentionEnriched,
    decision: Decision,
    channel: str,
    audience: str,
    target: Target,
    actions: list[ActionName],
    who: str,
) -> ActionRequested:
    mention = event.mention
    word = _PRIORITY_WORD.get(decision.priority or "normal", "New")
    facts = {
        "Who": f"{who} (@{mention.author.handle} on {mention.platform})",
        "Sentiment": f"{event.sentiment.label} ({event.sentiment.value:+.2f})",
        "Intent": f"{event.intent.label} - {', '.join(event.intent.cues[:3]) or 'no cues'}",
        "Segment": f"{event.segment.tier} ({event.segment.basis})",
        "Influence": str(event.influence.score),
        "Thread": event.thread_id,
        "Suggested": decision.explanation,
    }
    if decision.sla:
        facts["SLA"] = f"{int(decision.sla.total_seconds() // 60)} min"
    if event.intent.triage_reason:
        facts["Triage"] = _triage_fact(event)
    if decision.suppressed:
        facts["Contact policy"] = f"no sales outreach: {', '.join(decision.suppressed)}"
    return ActionRequested(
        meta=event.meta.derive(PRODUCER, f"notify-{channel}"),
        channel="slack" if channel == "slack" else "email",
        audience=audience,
        headline=f"{word} {event.intent.label.replace('_', ' ')} from {who}"[:300],
        body=mention.text[:3000],
        facts=facts,
        target=target,
        actions=actions,
        link=str(mention.url) if mention.url else None,
        intent=event.intent.label,
        digest=_digest_hint(event, decision, who),
    )


def _digest_hint(event: MentionEnriched, decision: Decision, who: str) -> DigestHint | None:
    """Routine notifications may be folded into a surge's digest; VIPs, urgent cases, tight SLAs and
    intent triage (a person must choose) always post on their own."""
    routine = (
        decision.action != "triage"
        and decision.priority != "urgent"
        and event.segment.tier not in ("vip", "high")
        and (decision.sla is None or decision.sla >= FOLD_MIN_SLA)
    )
    if not routine:
        return None
    return DigestHint(
        topic=topic_of(event), who=who[:300], influence=event.influence.score, sentiment=event.sentiment.label
    )
