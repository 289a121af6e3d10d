"""The routing journal and the backtest: what routing decided, decided again by candidate rules."""

from __future__ import annotations

from datetime import timedelta

from mention_builders import NOW, enriched, open_case_for_dana

from infra.cli.rules import backtest
from talkworthy.crm import InMemoryCrm
from talkworthy.identity import InMemoryIdentityGraph
from talkworthy.routing import PackagedRules, load_rules
from talkworthy.routing.journal import InMemoryRoutingJournal
from talkworthy.subjects import InMemorySubjects
from talkworthy.usecases.route import route_mention

LIVE = PackagedRules().current()


def test_routing_journals_the_decision_and_the_facts_the_policy_read() -> None:
    from talkworthy.catalog import Author

    graph = InMemoryIdentityGraph(clock=lambda: NOW)
    profile = graph.resolve("twitter", Author(handle="dana", email="dana@globex.example")).identity.profile_id
    journal = InMemoryRoutingJournal()
    crm = open_case_for_dana(InMemoryCrm())
    lead = enriched(intent="sales_lead", tier="prospect", profile_id=profile, key="standard:msg_1")
    praise = enriched(intent="praise", tier="standard", sentiment=0.9, profile_id=profile, key="standard:msg_2")
    for event in (lead, praise, lead):  # the lead redelivered: one entry
        route_mention(
            event, rules=LIVE, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW, journal=journal
        )
    routed = list(journal.since(NOW - timedelta(days=1), NOW))
    assert [(r.decision.action, r.decision.suppressed) for r in routed] == [("notify", ["open_case:1"]), ("ignore", [])]
    assert routed[0].contact is not None
    assert routed[0].contact.open_cases == 1
    assert routed[1].contact is None  # not sales: the policy read nothing

    same = backtest(LIVE, routed)
    assert same.changes == []
    lenient = load_rules(_default_yaml().replace("block_on_open_case: true", "block_on_open_case: false"))
    diff = backtest(lenient, routed)
    assert (diff.live["flag_lead"], diff.candidate["flag_lead"]) == (0, 1)
    assert (diff.live_suppressed["open_case"], diff.candidate_suppressed["open_case"]) == (1, 0)
    (change,) = diff.changes
    assert (change.live.action, change.candidate.action, change.facts_recorded) == ("notify", "flag_lead", True)


def test_a_candidate_sales_decision_without_recorded_facts_says_so() -> None:
    journal = InMemoryRoutingJournal()
    graph = InMemoryIdentityGraph(clock=lambda: NOW)
    question = enriched(intent="question", tier="prospect", sentiment=0.2, key="standard:msg_3")
    route_mention(
        question, rules=LIVE, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW, journal=journal
    )
    salesy = load_rules(
        _default_yaml().replace(
            "match: {intent: [question]}\n    action: notify", "match: {intent: [question]}\n    action: flag_lead"
        )
    )
    (change,) = backtest(salesy, list(journal.since(NOW - timedelta(days=1), NOW))).changes
    assert change.candidate.action == "flag_lead"
    assert not change.facts_recorded


def _default_yaml() -> str:
    from importlib import resources

    return resources.files("talkworthy.routing").joinpath("default_rules.yaml").read_text(encoding="utf-8")
