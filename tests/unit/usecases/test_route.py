"""route_mention: rules decide, the contact policy vetoes sales outreach, creation is idempotent."""

from __future__ import annotations

from datetime import timedelta

from mention_builders import NOW, enriched, open_case_for_dana

from talkworthy.catalog import ActionRequested, CaseOpened, LeadFlagged
from talkworthy.crm import InMemoryCrm
from talkworthy.identity import InMemoryIdentityGraph
from talkworthy.routing import PackagedRules
from talkworthy.routing.journal import InMemoryRoutingJournal
from talkworthy.subjects import InMemorySubjects
from talkworthy.usecases.route import route_mention

RULES = PackagedRules().current()


def _graph_with(profile_author: str = "dana") -> tuple[InMemoryIdentityGraph, str]:
    from talkworthy.catalog import Author

    graph = InMemoryIdentityGraph(clock=lambda: NOW)
    identity = graph.resolve("twitter", Author(handle=profile_author, email="dana@globex.example")).identity
    return graph, identity.profile_id


def test_vip_complaint_opens_one_case_with_sla_even_when_redelivered() -> None:
    graph, profile = _graph_with()
    crm = InMemoryCrm()
    event = enriched(intent="complaint", tier="vip", sentiment=-0.7, profile_id=profile)
    decision, first = route_mention(event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW)
    _, again = route_mention(event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW)
    cases = [d for d in first if isinstance(d, CaseOpened)]
    assert decision.rule == "key-account-complaint"
    assert len(cases) == 1
    assert cases[0].sla_due == NOW + timedelta(hours=1)
    assert cases[0].priority == "urgent"
    origin = cases[0].origin  # where the loop is closed once the case is solved
    assert origin is not None
    assert (origin.platform, origin.post_id) == (event.mention.platform, event.mention.post_id)
    assert origin.handle == event.mention.author.handle
    assert origin.email == event.mention.author.email
    assert [d.case.record_id for d in again if isinstance(d, CaseOpened)] == [cases[0].case.record_id]
    assert len(crm.open_cases_for(None, "dana@globex.example")) == 1
    request = next(d for d in first if isinstance(d, ActionRequested))
    assert request.target.kind == "case"
    assert "escalate" in request.actions
    assert graph.get_profile(profile).support_contacts == 1  # counted once across both deliveries


def test_sales_intent_with_an_open_case_is_held_back_and_says_why() -> None:
    graph, profile = _graph_with()
    crm = open_case_for_dana(InMemoryCrm())
    event = enriched(intent="sales_lead", tier="prospect", profile_id=profile, key="standard:msg_2")
    decision, out = route_mention(event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW)
    assert decision.action == "notify"
    assert decision.original_action == "flag_lead"
    assert "open_case:1" in decision.suppressed
    assert not [d for d in out if isinstance(d, LeadFlagged)]
    request = next(d for d in out if isinstance(d, ActionRequested))
    assert request.audience == "#customer-care"
    assert "open_case:1" in request.facts["Contact policy"]


def test_prospect_sales_intent_becomes_a_lead() -> None:
    graph, profile = _graph_with()
    event = enriched(intent="sales_lead", tier="prospect", profile_id=profile, key="standard:msg_3")
    _, out = route_mention(
        event, rules=RULES, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW
    )
    assert [type(d).__name__ for d in out] == ["LeadFlagged", "ActionRequested"]


def test_a_redelivery_follows_the_first_decision_when_the_contact_policy_would_now_hold_it_back() -> None:
    graph, profile = _graph_with()
    crm, journal = InMemoryCrm(), InMemoryRoutingJournal()
    event = enriched(intent="sales_lead", tier="prospect", profile_id=profile, key="standard:msg_4")

    def route() -> tuple[str, list[object]]:
        decision, out = route_mention(
            event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW, journal=journal
        )
        return decision.action, out

    first_action, first = route()
    open_case_for_dana(crm, "between")  # between the two deliveries: the policy would hold a new lead back
    again_action, again = route()

    assert first_action == again_action == "flag_lead"
    assert [d.model_dump(exclude={"meta"}) for d in again] == [d.model_dump(exclude={"meta"}) for d in first]  # type: ignore[attr-defined]
    assert len(journal.items) == 1
    fresh, _ = route_mention(event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW)
    assert fresh.action == "notify"  # what deciding again would have done


def test_praise_is_logged_only() -> None:
    graph, profile = _graph_with()
    event = enriched(intent="praise", tier="standard", sentiment=0.9, profile_id=profile)
    decision, out = route_mention(
        event, rules=RULES, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW
    )
    assert decision.action == "ignore"
    assert out == []


def test_an_unsure_intent_goes_to_triage_with_the_top_two_intents_and_opens_nothing() -> None:
    graph, profile = _graph_with()
    crm = InMemoryCrm()
    event = enriched(intent="complaint", tier="vip", sentiment=-0.7, profile_id=profile, triage="low_confidence")

    decision, out = route_mention(event, rules=RULES, crm=crm, identities=graph, subjects=InMemorySubjects(), now=NOW)

    assert (decision.rule, decision.action) == ("intent-triage", "triage")
    assert "triage=low_confidence" in decision.explanation
    assert [type(d) for d in out] == [ActionRequested]
    request = out[0]
    assert isinstance(request, ActionRequested)
    assert request.audience == "#intent-triage"
    assert request.facts["Triage"] == "low confidence: complaint 90% or praise 31%"
    assert request.target.kind == "mention"
    assert crm.open_cases_for(None, "dana@globex.example") == []


def test_a_post_in_another_language_is_triaged_and_says_which() -> None:
    graph, profile = _graph_with()
    event = enriched(intent="question", tier="standard", profile_id=profile, triage="unsupported_language")

    decision, out = route_mention(
        event, rules=RULES, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW
    )

    assert decision.action == "triage"
    request = out[0]
    assert isinstance(request, ActionRequested)
    assert request.facts["Triage"].startswith("unsupported language (de): question")


def test_a_sure_intent_is_routed_by_the_other_rules() -> None:
    graph, profile = _graph_with()
    event = enriched(intent="complaint", tier="vip", sentiment=-0.7, profile_id=profile)

    decision, out = route_mention(
        event, rules=RULES, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW
    )

    assert decision.rule == "key-account-complaint"
    assert all("Triage" not in d.facts for d in out if isinstance(d, ActionRequested))


def test_only_routine_notifications_may_be_folded_into_a_surge_digest() -> None:
    def hint(tier: str, sentiment: float = -0.4, triage: str | None = None) -> object:
        graph, profile = _graph_with()
        event = enriched(intent="complaint", tier=tier, sentiment=sentiment, profile_id=profile, triage=triage)
        _, out = route_mention(
            event, rules=RULES, crm=InMemoryCrm(), identities=graph, subjects=InMemorySubjects(), now=NOW
        )
        return next(d for d in out if isinstance(d, ActionRequested)).digest

    routine = hint("standard")  # the complaint rule: a case with an 8-hour SLA
    assert routine is not None
    assert (routine.topic, routine.sentiment) == ("brand/complaint", "negative")  # type: ignore[attr-defined]
    assert hint("vip") is None  # a key account: urgent, 1-hour SLA
    assert hint("prospect", triage="low_confidence") is None  # a person must pick the intent
