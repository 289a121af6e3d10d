"""The case file through its life, with the ports' fakes: opened with its goal, owned, worked, ended.

Each use case is driven the way the cases context drives it; what is asserted is the stored file
and the events returned (what notify would post in the case's thread, or on the bus).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from talkworthy.cases.file import DEFAULT_GOAL, CaseFile
from talkworthy.cases.store import InMemoryCaseFiles
from talkworthy.catalog import (
    ActionCompleted,
    ActionRequested,
    ActionTaken,
    Actor,
    CaseOpened,
    Detail,
    EventMeta,
    LoopClosed,
    RecordRef,
    Target,
    TicketClosed,
)
from talkworthy.catalog.case_file import StepDue
from talkworthy.crm.fake import InMemoryCrm
from talkworthy.crm.port import CaseRequest
from talkworthy.errors import InvalidInputError
from talkworthy.notify import RecordingChat
from talkworthy.people import Directory, load_default_directory
from talkworthy.routing import PackagedRules
from talkworthy.scheduling import InMemorySlaScheduler, step_timer_name
from talkworthy.usecases import case_file
from talkworthy.usecases.case_actions import act_on_case_file

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class Ports:
    crm: InMemoryCrm = field(default_factory=lambda: InMemoryCrm(system="dynamodb"))
    case_files: InMemoryCaseFiles = field(default_factory=InMemoryCaseFiles)
    scheduler: InMemorySlaScheduler = field(default_factory=InMemorySlaScheduler)
    views: RecordingChat = field(default_factory=RecordingChat)
    rules: PackagedRules = field(default_factory=PackagedRules)
    people: Directory = field(default_factory=load_default_directory)
    slack_workspace_url: str = "https://acme.slack.com"


def _meta(key: str, producer: str = "talkworthy.route") -> EventMeta:
    return EventMeta(event_key=key, correlation_id="c1", producer=producer, occurred_at=NOW)


def _opened(ports: Ports, rule: str = "complaint") -> tuple[CaseOpened, RecordRef]:
    ref = ports.crm.open_case(CaseRequest(idempotency_key="m1", subject="s", description="d", origin_channel="x"))
    case = RecordRef(system="dynamodb", record_id=ref.case_id)
    opened = CaseOpened(
        meta=_meta("mention:1>case"),
        case=case,
        subject="Dana: the export is broken again",
        priority="high",
        rule=rule,
        sla_due=NOW + timedelta(hours=8),
        origin_channel="x",
    )
    return opened, case


def _taken(action: str, case: RecordRef, key: str, who: str = "U0ALICE01", **extra: Any) -> ActionTaken:
    return ActionTaken(
        meta=_meta(key, "talkworthy.ingress.slack"),
        action=action,
        actor=Actor(id=who, name=who.lower(), via="slack"),
        target=Target(kind="case", id=case.record_id, system=case.system, related=extra.pop("step", None)),
        message_ref="C0CARE:1.000002",
        response_url="https://hooks.slack.example/r",
        **extra,
    )


def _requests(events: list[Detail]) -> list[ActionRequested]:
    return [event for event in events if isinstance(event, ActionRequested)]


def _completed(events: list[Detail]) -> ActionCompleted:
    [done] = events
    assert isinstance(done, ActionCompleted)
    return done


def _step_argument(text: str, who: str, due: datetime) -> str:
    return json.dumps({"text": text, "assignee": who, "due": int(due.timestamp())})


def test_a_case_opens_its_file_once_with_the_rules_goal_deadline_and_channel() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    [header] = _requests(case_file.open_file(opened, ports))
    file = ports.case_files.get(case)
    assert file is not None
    assert file.goal == "The customer's problem is solved and they hear back where they complained"
    assert (file.goal_from, file.channel, file.deadline) == ("rule complaint", "#customer-care", opened.sla_due)
    assert (header.placement, header.target.id) == ("thread", case.record_id)
    assert header.actions == ["bring_in", "add_step", "set_goal", "resolve"]  # resolve: the built-in CRM
    again = case_file.open_file(opened, ports)
    assert [e.meta.event_key for e in again] == [header.meta.event_key]  # the same post (notify sends it once)
    assert ports.case_files.get(case) == file


def test_a_file_just_created_is_not_read_back_and_a_redelivery_posts_it_as_stored() -> None:
    class Reads(InMemoryCaseFiles):
        def __init__(self) -> None:
            super().__init__()
            self.reads = 0

        def get(self, case: RecordRef) -> CaseFile | None:
            self.reads += 1
            return super().get(case)

    ports = Ports(case_files=Reads())
    opened, _ = _opened(ports)
    [header] = _requests(case_file.open_file(opened, ports))
    assert ports.case_files.reads == 0  # type: ignore[attr-defined]
    [again] = _requests(case_file.open_file(opened, ports))
    assert ports.case_files.reads == 1  # type: ignore[attr-defined]
    assert again.model_dump(exclude={"meta"}) == header.model_dump(exclude={"meta"})


def test_a_rule_without_a_goal_gets_the_default_and_a_vendor_case_offers_no_resolve() -> None:
    ports = Ports()
    opened, _ = _opened(ports, rule="no-such-rule")
    vendor = opened.model_copy(update={"case": RecordRef(system="zendesk", record_id="35436")})
    [header] = _requests(case_file.open_file(vendor, ports))
    file = ports.case_files.get(vendor.case)
    assert file is not None
    assert (file.goal, file.goal_from) == (DEFAULT_GOAL, "the default goal")
    assert "resolve" not in header.actions


def test_a_claim_makes_the_owner_and_is_a_decision_in_the_thread() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    [line] = _requests(case_file.note_claim(_taken("claim", case, "k-claim"), ports, NOW))
    file = ports.case_files.get(case)
    assert file is not None
    assert (file.owner, file.owner_slack) == ("Alice Moreau", "U0ALICE01")
    assert [d.text for d in file.decisions] == ["Alice Moreau took ownership"]
    assert line.headline == "Decision: Alice Moreau took ownership"
    case_file.note_claim(_taken("claim", case, "k-claim"), ports, NOW)
    assert len(ports.case_files.get(case).decisions) == 1  # type: ignore[union-attr]


def test_bring_in_opens_the_form_then_sends_the_person_the_context_and_records_them() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    assert act_on_case_file(_taken("bring_in", case, "k1", trigger_id="T1"), ports, NOW) == []
    [view] = ports.views.views
    options = view.view["blocks"][1]["element"]["options"]  # type: ignore[index]
    values = [o["value"] for o in options]
    assert "person:U0JORDAN1" in values
    assert "team:#billing" in values
    assert "person:U0ALICE01" not in values

    events = act_on_case_file(_taken("bring_in", case, "k2", argument="person:U0JORDAN1"), ports, NOW)
    done, copy, joined = events
    assert isinstance(done, ActionCompleted)
    assert done.note == "Alice Moreau brought in Jordan Lee"
    assert isinstance(copy, ActionRequested)
    assert (copy.placement, copy.audience) == ("copy", "U0JORDAN1")
    assert copy.facts["Goal"].startswith("The customer's problem is solved")
    assert copy.link == "https://acme.slack.com/archives/C0CARE/p1000002"
    assert isinstance(joined, ActionRequested)
    assert joined.placement == "thread"
    assert joined.headline == "Alice Moreau brought in Jordan Lee (sent the case by direct message)"
    again = act_on_case_file(_taken("bring_in", case, "k2", argument="person:U0JORDAN1"), ports, NOW)
    assert [e.meta.event_key for e in again] == [e.meta.event_key for e in events]
    file = ports.case_files.get(case)
    assert file is not None
    assert [(p.kind, p.name) for p in file.participants] == [("person", "Jordan Lee")]

    [_, team, _] = act_on_case_file(_taken("bring_in", case, "k3", argument="team:#billing"), ports, NOW)
    assert team.audience == "#billing"  # type: ignore[attr-defined]
    with pytest.raises(InvalidInputError):
        act_on_case_file(_taken("bring_in", case, "k4", argument="person:U0NOBODY1"), ports, NOW)


def test_a_next_step_gets_its_own_timer_a_thread_reply_with_done_and_a_nudge_when_due() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    due = NOW + timedelta(hours=3)
    taken = _taken("add_step", case, "k-step", argument=_step_argument("Refund the May invoice", "U0JORDAN1", due))
    _done, step_post = act_on_case_file(taken, ports, NOW)
    file = ports.case_files.get(case)
    assert file is not None
    [step] = file.steps
    assert (step.text, step.assignee, step.due) == ("Refund the May invoice", "Jordan Lee", due)
    timer = step_timer_name(case, step.step_id)
    assert ports.scheduler.timers[timer][0] == due
    fired = ports.scheduler.timers[timer][1]
    assert isinstance(fired, StepDue)
    assert fired.step_id == step.step_id
    assert isinstance(step_post, ActionRequested)
    assert step_post.actions == ["step_done"]
    assert step_post.target.related == step.step_id
    assert step_post.body == "Jordan Lee, this one is yours (added by Alice Moreau)."
    act_on_case_file(taken, ports, NOW)  # redelivered: still one step, one timer
    assert len(ports.case_files.get(case).steps) == 1  # type: ignore[union-attr]
    assert len(ports.scheduler.timers) == 1

    nudge, direct = _requests(case_file.step_due(fired, ports))
    assert nudge.headline.startswith('Reminder: Jordan Lee, "Refund the May invoice" was due')
    assert (direct.placement, direct.audience, direct.actions) == ("copy", "U0JORDAN1", ["step_done"])

    [finished] = act_on_case_file(_taken("step_done", case, "k-done", who="U0JORDAN1", step=step.step_id), ports, NOW)
    assert finished.note == "Done by Jordan Lee: Refund the May invoice"  # type: ignore[attr-defined]
    assert ports.scheduler.timers == {}
    assert case_file.step_due(fired, ports) == []  # a late timer nudges nobody


def test_a_step_due_in_the_past_is_not_added() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    late = _step_argument("Call back", "U0ALICE01", NOW - timedelta(minutes=5))
    vetoed = _completed(act_on_case_file(_taken("add_step", case, "k", argument=late), ports, NOW))
    assert vetoed.outcome == "vetoed"
    assert "already past" in vetoed.note
    assert ports.case_files.get(case).steps == []  # type: ignore[union-attr]


def test_the_owner_changes_the_goal_and_the_decision_is_kept() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    act_on_case_file(_taken("set_goal", case, "k-goal", argument="Refund issued and Dana told"), ports, NOW)
    file = ports.case_files.get(case)
    assert file is not None
    assert (file.goal, file.goal_from) == ("Refund issued and Dana told", "Alice Moreau")
    assert file.decisions[-1].text == 'Goal changed to "Refund issued and Dana told"'


def test_someone_not_allowed_changes_nothing() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    refused = _completed(act_on_case_file(_taken("resolve", case, "k", who="U0CASEY01"), ports, NOW))
    assert refused.outcome == "refused"
    assert ports.crm.solved == {}


def test_resolve_solves_the_built_in_crm_case_and_publishes_ticket_closed_once() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    done, closed = act_on_case_file(_taken("resolve", case, "k-resolve"), ports, NOW)
    assert isinstance(closed, TicketClosed)
    assert (closed.ticket.system, closed.ticket.record_id, closed.status) == ("dynamodb", case.record_id, "solved")
    assert ports.crm.solved == {case.record_id: "Resolved by Alice Moreau from Slack"}
    redelivered = act_on_case_file(_taken("resolve", case, "k-resolve"), ports, NOW + timedelta(minutes=1))
    assert [e.meta.event_key for e in redelivered] == [done.meta.event_key, closed.meta.event_key]
    assert redelivered[1] == closed  # the same event, so the bus carries one closure
    second = _completed(act_on_case_file(_taken("resolve", case, "k-other", who="U05SAMORTIZ"), ports, NOW))
    assert second.outcome == "vetoed"
    assert "Already resolved by Alice Moreau" in second.note


def test_resolve_on_a_vendor_case_is_refused_with_where_to_solve_it() -> None:
    ports = Ports()
    opened, _ = _opened(ports)
    vendor = opened.model_copy(update={"case": RecordRef(system="zendesk", record_id="35436")})
    case_file.open_file(vendor, ports)
    vetoed = _completed(act_on_case_file(_taken("resolve", vendor.case, "k"), ports, NOW))
    assert vetoed.outcome == "vetoed"
    assert "solve it in zendesk" in vetoed.note


def _closed(case: RecordRef, key: str = "zendesk:solved:1") -> TicketClosed:
    return TicketClosed(meta=_meta(key, "talkworthy.ingress.zendesk"), ticket=case, status="solved", closed_at=NOW)


def _loop(case: RecordRef, told: bool = True, key: str = "loop:1") -> LoopClosed:
    return LoopClosed(
        meta=_meta(key, "talkworthy.cases"),
        case=case,
        ticket=case,
        told=told,
        channel="x" if told else None,
        reply_url="https://x.com/acme_care/status/1" if told else None,
        suppressed=None if told else "quiet period after support (3 days left)",
        closed_at=NOW,
    )


@pytest.mark.parametrize("order", ["solved first", "told first"])
def test_the_goal_is_met_when_the_ticket_is_solved_and_the_customer_told_in_either_order(order: str) -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    first, second = (_closed(case), _loop(case)) if order == "solved first" else (_loop(case), _closed(case))
    handle = {TicketClosed: case_file.ticket_closed, LoopClosed: case_file.loop_closed}
    early = _requests(handle[type(first)](first, ports))  # type: ignore[operator]
    expected = "open" if order == "solved first" else "goal_met"
    assert ports.case_files.get(case).state == expected  # type: ignore[union-attr]
    late = _requests(handle[type(second)](second, ports))  # type: ignore[operator]
    file = ports.case_files.get(case)
    assert file is not None
    assert file.state == "goal_met"
    said = [r.headline for r in early + late]
    assert "Customer told on x (https://x.com/acme_care/status/1)" in said
    # told first: Loop.Closed follows a closure, so it is the solved half too, and the closure adds nothing
    assert said.count("Ticket solved in the built-in CRM") == (1 if order == "solved first" else 0)
    goal_met = [r for r in early + late if r.headline.startswith("Goal met")]
    assert [r.placement for r in goal_met] == ["thread", "update"]
    assert goal_met[1].actions == []  # the case's message keeps no buttons
    for event, posted in ((first, early), (second, late)):
        again = handle[type(event)](event, ports)  # type: ignore[operator]
        assert [e.meta.event_key for e in again] == [e.meta.event_key for e in posted]  # redelivered: the same
    assert ports.case_files.get(case) == file


def test_a_suppressed_reply_is_shown_in_the_thread_and_the_case_stays_open() -> None:
    ports = Ports()
    opened, case = _opened(ports)
    case_file.open_file(opened, ports)
    [said] = _requests(case_file.loop_closed(_loop(case, told=False), ports))
    assert said.headline == "Not told: quiet period after support (3 days left)"
    file = ports.case_files.get(case)
    assert file is not None
    assert file.state == "open"
    assert file.solved_at == NOW
    assert case_file.loop_closed(_loop(case, told=True, key="loop:2"), ports) == []  # told once per case
