"""Action.Taken → the action done on its target, and ``Action.Completed`` for notify to show it.

The people directory is asked first: someone not allowed changes nothing and gets a refusal
(logged with the actor). Then each action does what its button says, in the system of record,
the identity graph, the SLA timers and the subject store (see ``actions.py`` for the vocabulary).

Idempotent under redelivery: every write sets a state (an owner, a priority, a status, a
confirmed link) or is keyed by the click (the lead by the mention, the correction by the event
key), and the events returned carry keys derived from the click's, so notify updates the
message once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from talkworthy.actions import DONE_WORDS, RECLASSIFY_OPTIONS, done_note
from talkworthy.catalog import ActionRequested, ActionTaken, Detail, LeadFlagged, RecordRef
from talkworthy.crm.port import CrmPort, LeadRequest, RecordKind, RecordNotFoundError
from talkworthy.enrichment.corrections import Correction, CorrectionsStore
from talkworthy.errors import InvalidInputError, PermanentError
from talkworthy.identity.port import IdentityGraph
from talkworthy.notify.modal import Candidate, link_contact_view
from talkworthy.notify.slack import ChatPort
from talkworthy.people import Directory, NotAllowed, Person
from talkworthy.routing import ContactContext, Decision, RulesSource
from talkworthy.scheduling import SlaScheduler, timer_name
from talkworthy.subjects import Subject, SubjectStore, subject_key
from talkworthy.usecases.acting import Outcome, completed, refusal

__all__ = ["PRODUCER", "ActPorts", "act"]

PRODUCER = "talkworthy.cases"
logger = logging.getLogger(__name__)


class ActPorts(Protocol):
    @property
    def crm(self) -> CrmPort: ...
    @property
    def identities(self) -> IdentityGraph: ...
    @property
    def subjects(self) -> SubjectStore: ...
    @property
    def corrections(self) -> CorrectionsStore: ...
    @property
    def scheduler(self) -> SlaScheduler: ...
    @property
    def views(self) -> ChatPort: ...
    @property
    def rules(self) -> RulesSource: ...
    @property
    def people(self) -> Directory: ...
    @property
    def escalation_channel(self) -> str: ...
    @property
    def slack_workspace_url(self) -> str: ...


@dataclass(frozen=True)
class _Result:
    outcome: Outcome
    note: str
    argument: str | None = None
    events: list[Detail] = field(default_factory=list)


_Perform = Callable[[ActionTaken, Person, ActPorts, datetime], "_Result | None"]


def act(taken: ActionTaken, ports: ActPorts, now: datetime) -> list[Detail]:
    verdict = ports.people.authorise(taken.actor, taken.action, taken.target)
    if isinstance(verdict, NotAllowed):
        return [refusal(taken, verdict, at=now, producer=PRODUCER)]
    try:
        result = _PERFORM[taken.action](taken, verdict, ports, now)
    except RecordNotFoundError as err:
        result = _Result("vetoed", f"Not {DONE_WORDS[taken.action].lower()}: {err}")
    if result is None:
        return []
    done = completed(taken, result.outcome, result.note, at=now, producer=PRODUCER, argument=result.argument)
    return [done, *result.events]


def _record(ports: ActPorts, subject: Subject | None, **changes: object) -> None:
    if subject is not None:
        ports.subjects.put(subject.model_copy(update=changes))


def _record_kind(taken: ActionTaken) -> RecordKind | None:
    """``case`` or ``lead`` when the target is a record in the system of record."""
    if not taken.target.system:
        return None
    return "case" if taken.target.kind == "case" else "lead" if taken.target.kind == "lead" else None


def _stop_sla(taken: ActionTaken, ports: ActPorts) -> None:
    target = taken.target
    if target.kind == "case" and target.system:
        ports.scheduler.cancel(timer_name(RecordRef(system=target.system, record_id=target.id)))


def _claim(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    kind = _record_kind(taken)
    if kind is not None:
        ports.crm.assign_owner(kind, taken.target.id, person.crm_user)
    _stop_sla(taken, ports)
    _record(ports, ports.subjects.get(taken.target), owner=person.crm_user)
    where = f" (owner in {taken.target.system}: {person.crm_user})" if kind else ""
    return _Result("done", done_note("claim", person.name) + where)


def _escalate(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    target = taken.target
    if _record_kind(taken) == "case":
        ports.crm.set_priority(target.id, "urgent")
    subject = ports.subjects.get(target)
    link = subject.url if subject else None
    facts = {"Escalated by": person.name, "SLA": "still running"}
    if taken.message_ref:
        channel, _, ts = taken.message_ref.partition(":")
        link = f"{ports.slack_workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
        facts["Original message"] = link
    request = ActionRequested(
        meta=taken.meta.derive(PRODUCER, "escalation"),
        channel="slack",
        audience=ports.escalation_channel,
        headline=f"Escalated by {person.name}: {target.kind} {target.id}"[:300],
        body=(subject.text if subject else "")[:3000],
        facts=facts,
        target=target,
        actions=["claim"],
        link=link,
        placement="copy",  # the case's own message stays the one its thread and later updates use
    )
    note = done_note("escalate", person.name) + (": priority urgent" if _record_kind(taken) == "case" else "")
    return _Result("done", note, events=[request])


def _mark_lead(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    subject = ports.subjects.get(taken.target)
    if subject is None:
        return _Result("vetoed", "Not marked as lead: Talkworthy has no record of this mention")
    profile = ports.identities.get_profile(subject.profile_id) if subject.profile_id else None
    contact_id = profile.crm_contact_id if profile else None
    open_cases = ports.crm.open_cases_for(contact_id, subject.author_email)
    context = ContactContext(
        open_cases=len(open_cases), last_support_at=profile.last_support_at if profile else None, now=now
    )
    sales = Decision(
        rule="marked-as-lead",
        action="flag_lead",
        explanation=f"marked as a lead by {person.name}",
        sentiment=subject.sentiment,
        sentiment_label=subject.sentiment_label,
    )
    reasons = ports.rules.current().contact_policy.reasons(sales, context)
    if reasons:
        return _Result("vetoed", f"Not marked as lead: the contact policy holds back sales ({', '.join(reasons)})")
    lead = ports.crm.flag_lead(
        LeadRequest(
            idempotency_key=f"mark_lead:{subject.mention_key or subject_key(taken.target)}",
            email=subject.author_email,
            name=subject.author_name or subject.author_handle,
            handle=subject.author_handle,
            platform=subject.platform,
            note=subject.text,
            source_url=subject.url,
        )
    )
    _record(ports, subject, owner=person.crm_user)
    flagged = LeadFlagged(
        meta=taken.meta.derive(PRODUCER, "lead"),
        lead=RecordRef(system=lead.system, record_id=lead.lead_id, url=lead.url),
        rule="marked-as-lead",
        profile_id=subject.profile_id,
        origin_channel=subject.platform,
        origin_url=subject.url,
    )
    return _Result(
        "done", done_note("mark_lead", person.name) + f": lead {lead.lead_id} in {lead.system}", events=[flagged]
    )


def _dismiss(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    kind = _record_kind(taken)
    if kind is not None:
        ports.crm.dismiss(kind, taken.target.id, f"not actionable (dismissed by {person.name})")
    _stop_sla(taken, ports)
    _record(ports, ports.subjects.get(taken.target), status="dismissed")
    return _Result("done", done_note("dismiss", person.name) + ": not actionable")


def _reclassify(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    label = taken.argument or ""
    if label not in RECLASSIFY_OPTIONS:
        raise InvalidInputError(f"reclassify needs one of {sorted(RECLASSIFY_OPTIONS)}, got {label!r}")
    subject = ports.subjects.get(taken.target)
    if subject is None:
        return _Result("vetoed", "Not reclassified: Talkworthy has no record of this message")
    ports.corrections.record(
        Correction(
            key=taken.meta.event_key,
            text=subject.text,
            predicted=subject.intent,
            corrected=label,
            model=subject.intent_model,
            model_version=subject.intent_version,
            corrected_by=person.name,
            corrected_at=now,
            target=subject_key(taken.target),
        )
    )
    _record(ports, subject, intent=label)
    return _Result("done", done_note("reclassify", person.name, label))


def _link_contact(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result | None:
    if not taken.trigger_id:
        return _Result("vetoed", "Link to contact opens a form in Slack: use the button there")
    subject = ports.subjects.get(taken.target)
    if subject is None or not subject.profile_id:
        return _Result("vetoed", "No contact to link: Talkworthy knows no profile for this message")
    profile = ports.identities.get_profile(subject.profile_id)
    found: dict[str, Candidate] = {}
    for link in profile.links:
        if link.kind == "crm":
            system, _, contact_id = link.value.partition("/")
            state = "confirmed" if link.confirmed else f"suggested, {link.confidence:.0%}"
            found[link.value] = Candidate(system, contact_id, link.value, f"{'; '.join(link.evidence)} ({state})")
    for email in profile.emails:
        contact = ports.crm.find_contact_by_email(email)
        if contact is not None:
            value = f"{contact.system}/{contact.contact_id}"
            earlier = found.get(value)
            evidence = f"e-mail {email} matches" + (f"; {earlier.evidence}" if earlier else "")
            found[value] = Candidate(contact.system, contact.contact_id, contact.name or value, evidence)
    who = subject.author_name or subject.author_handle or "this person"
    view = link_contact_view(
        taken.target,
        profile.profile_id,
        who,
        list(found.values()),
        message_ref=taken.message_ref,
        response_url=taken.response_url,
    )
    try:
        ports.views.open_view(taken.trigger_id, view)
    except PermanentError as err:  # expired_trigger_id: the 3 s were over before the form could open
        return _Result("vetoed", f"The form could not open in time ({err}); click Link to contact again")
    return None


def _split(argument: str | None) -> tuple[str, str]:
    profile_id, sep, ref = (argument or "").partition("|")
    if not (profile_id and sep and ref):
        raise InvalidInputError(f"expected '<profile_id>|<link>', got {argument!r}")
    return profile_id, ref


def _confirm_link(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    profile_id, ref = _split(taken.argument)
    system, _, contact_id = ref.removeprefix("crm:").partition("/")
    if not (system and contact_id):
        raise InvalidInputError(f"not a CRM contact: {ref!r}")
    profile = ports.identities.link_contact(profile_id, system, contact_id, actor=f"@{person.name}")
    note = f"{done_note('confirm_link', person.name)}: {system}/{contact_id}"
    return _Result("done", note, argument=f"{profile.profile_id}|crm:{system}/{contact_id}")


def _undo_link(taken: ActionTaken, person: Person, ports: ActPorts, now: datetime) -> _Result:
    profile_id, ref = _split(taken.argument)
    ports.identities.undo_link(profile_id, ref, actor=f"@{person.name}")
    return _Result("done", f"{done_note('undo_link', person.name)}: {ref.removeprefix('crm:')}")


_PERFORM: dict[str, _Perform] = {
    "claim": _claim,
    "escalate": _escalate,
    "mark_lead": _mark_lead,
    "dismiss": _dismiss,
    "reclassify": _reclassify,
    "link_contact": _link_contact,
    "confirm_link": _confirm_link,
    "undo_link": _undo_link,
}
