"""The actions people take, performed on their targets with the ports' fakes: what changes, and what not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from mention_builders import NOW

from talkworthy.catalog import ActionCompleted, ActionTaken, Actor, EventMeta, RecordRef, SlaBreached, Target
from talkworthy.crm.fake import InMemoryCrm
from talkworthy.crm.port import CaseRequest
from talkworthy.enrichment.corrections import InMemoryCorrections
from talkworthy.identity import InMemoryIdentityGraph
from talkworthy.notify import RecordingChat
from talkworthy.people import Directory, load_default_directory
from talkworthy.routing import PackagedRules
from talkworthy.scheduling import InMemorySlaScheduler, timer_name
from talkworthy.subjects import InMemorySubjects, Subject
from talkworthy.usecases.act import act


@dataclass
class Ports:
    crm: InMemoryCrm = field(default_factory=InMemoryCrm)
    identities: InMemoryIdentityGraph = field(default_factory=InMemoryIdentityGraph)
    subjects: InMemorySubjects = field(default_factory=InMemorySubjects)
    corrections: InMemoryCorrections = field(default_factory=InMemoryCorrections)
    scheduler: InMemorySlaScheduler = field(default_factory=InMemorySlaScheduler)
    views: RecordingChat = field(default_factory=RecordingChat)
    rules: PackagedRules = field(default_factory=PackagedRules)
    people: Directory = field(default_factory=load_default_directory)
    escalation_channel: str = "C0ESCALATE"
    slack_workspace_url: str = "https://acme.slack.com"


def _case(ports: Ports) -> Target:
    ref = ports.crm.open_case(CaseRequest(idempotency_key="m1", subject="s", description="d", origin_channel="x"))
    case = RecordRef(system="fake", record_id=ref.case_id)
    breach = SlaBreached(meta=_meta("m1"), case=case, rule="r", due=NOW, elapsed_seconds=0)
    ports.scheduler.start(timer_name(case), NOW + timedelta(hours=1), breach)
    target = Target(kind="case", id=ref.case_id, system="fake")
    ports.subjects.put(
        Subject(
            target=target,
            text="This is broken!",
            platform="x",
            intent="complaint",
            intent_model="lexicon",
            intent_version="3",
        )
    )
    return target


def _meta(key: str) -> EventMeta:
    return EventMeta(event_key=key, correlation_id="c", producer="talkworthy.ingress.slack", occurred_at=NOW)


def _taken(action: str, target: Target, who: str = "U0ALICE01", **extra: object) -> ActionTaken:
    return ActionTaken(
        meta=_meta(f"slack:{action}:{who}"),
        action=action,  # type: ignore[arg-type]
        actor=Actor(id=who, name=who.lower(), via="slack"),
        target=target,
        message_ref="C1:1.000001",
        response_url="https://hooks.slack.example/r",
        **extra,  # type: ignore[arg-type]
    )


def test_claim_sets_the_owner_stops_the_sla_and_says_who() -> None:
    ports = Ports()
    target = _case(ports)
    [done] = act(_taken("claim", target), ports, NOW)
    assert isinstance(done, ActionCompleted)
    assert (done.outcome, done.message_ref) == ("done", "C1:1.000001")
    assert done.note.startswith("Claimed by Alice Moreau")
    assert ports.crm.owners == {target.id: "care-alice"}
    assert ports.scheduler.timers == {}
    assert done.meta.event_key == act(_taken("claim", target), ports, NOW)[0].meta.event_key  # redelivery: same key


def test_an_unauthorised_click_is_refused_and_changes_nothing() -> None:
    ports = Ports()
    target = _case(ports)
    [refused] = act(_taken("claim", target, who="U0CASEY01"), ports, NOW)  # a viewer
    assert refused.outcome == "refused"  # type: ignore[attr-defined]
    assert "ask #talkworthy-help" in refused.note  # type: ignore[attr-defined]
    [stranger] = act(_taken("dismiss", target, who="U0NOBODY1"), ports, NOW)
    assert stranger.outcome == "refused"  # type: ignore[attr-defined]
    assert ports.crm.owners == {}
    assert ports.crm.dismissed == {}
    assert len(ports.scheduler.timers) == 1  # the SLA keeps running


def test_escalate_raises_priority_keeps_the_sla_and_asks_the_escalation_channel_with_a_link() -> None:
    ports = Ports()
    target = _case(ports)
    _done, request = act(_taken("escalate", target), ports, NOW)
    assert ports.crm.priorities == {target.id: "urgent"}
    assert len(ports.scheduler.timers) == 1
    assert request.audience == "C0ESCALATE"  # type: ignore[attr-defined]
    assert request.link == "https://acme.slack.com/archives/C1/p1000001"  # type: ignore[attr-defined]
    assert request.placement == "copy"  # type: ignore[attr-defined]  # not the case's own message


def test_reclassify_corrects_the_intent_and_keeps_a_labelled_example() -> None:
    ports = Ports()
    target = _case(ports)
    act(_taken("reclassify", target, argument="question"), ports, NOW)
    [example] = ports.corrections.all()
    assert (example.text, example.predicted, example.corrected) == ("This is broken!", "complaint", "question")
    assert (example.model, example.model_version, example.corrected_by) == ("lexicon", "3", "Alice Moreau")
    assert ports.subjects.get(target).intent == "question"  # type: ignore[union-attr]
    act(_taken("reclassify", target, argument="question"), ports, NOW)
    assert len(ports.corrections.all()) == 1  # the same click again adds nothing


def test_mark_lead_honours_the_contact_policy_and_says_why() -> None:
    ports = Ports()
    mention = Target(kind="mention", id="standard:msg_9")
    ports.subjects.put(
        Subject(target=mention, text="pricing?", platform="x", author_email="sam@hooli.example", intent="sales_lead")
    )
    ports.crm.open_case(
        CaseRequest(
            idempotency_key="k", subject="s", description="d", origin_channel="x", requester_email="sam@hooli.example"
        )
    )
    [vetoed] = act(_taken("mark_lead", mention, who="U0JORDAN1"), ports, NOW)
    assert vetoed.outcome == "vetoed"  # type: ignore[attr-defined]
    assert "open_case:1" in vetoed.note  # type: ignore[attr-defined]
    assert ports.crm.leads == {}


def test_an_unauthorised_email_link_is_refused_by_address_and_changes_nothing() -> None:
    """E-mail links carry the recipient's address as the actor; the directory knows people by it."""
    ports = Ports()
    target = _case(ports)

    def by_email(address: str, action: str) -> ActionTaken:
        return _taken(action, target).model_copy(
            update={"actor": Actor(id=address, via="email"), "meta": _meta(f"link:{action}:{address}")}
        )

    [refused] = act(by_email("casey@acme.example", "claim"), ports, NOW)  # a viewer's mailbox
    [stranger] = act(by_email("someone@elsewhere.example", "dismiss"), ports, NOW)
    assert (refused.outcome, stranger.outcome) == ("refused", "refused")  # type: ignore[attr-defined]
    assert ports.crm.owners == {}
    assert ports.crm.dismissed == {}
    [done] = act(by_email("alice@acme.example", "claim"), ports, NOW)
    assert done.outcome == "done"  # type: ignore[attr-defined]
    assert ports.crm.owners == {target.id: "care-alice"}
